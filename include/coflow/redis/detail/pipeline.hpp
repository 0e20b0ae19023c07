// SPDX-License-Identifier: BSL-1.0
// coflow/redis/detail/pipeline.hpp - one command per value of a flow, pipelined in batches on
// a worker thread (a batch writer, coflow/threads/detail/batch_writer.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "coflow/redis/connection.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/threads/detail/batch_writer.hpp"

namespace coflow::redis::detail {

inline std::string what_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "an unknown exception";
  }
}

/// The writer of a pipelined sink: `Command` turns a value into a command's arguments
/// (`build(argv, v)`), names the sink (`name`) and a value (`describe(v)`). A batch's commands
/// are all sent (`redisAppendCommandArgv`) before their replies are read, in `commit`.
template <class Command, class T>
class pipeline_writer {
 public:
  pipeline_writer(std::shared_ptr<pool> p, const Command& cmd)
      : lease_{std::move(p), Command::name}, cmd_{cmd} {}

  void begin() noexcept {
    ok_ = 0;
    sent_ = 0;
    read_ = 0;
  }
  void write(const T& v) {
    if (sent_ == batch_.size()) batch_.emplace_back();
    auto& argv = batch_[sent_++];  // counted first: a failed append leaves the connection unusable
    argv.clear();
    cmd_.build(argv, v);
    append(argv);
  }
  /// Reads the batch's replies: the first error reply fails its value (`item_failed`). A lost
  /// connection is opened again and the commands whose replies were not read are sent again.
  void commit() {
    std::size_t failed = sent_;
    std::string why;
    sigpipe_guard g;  // the batch is written by the first read
    for (; read_ < sent_; ++read_) {
      reply_ptr reply = next_reply();
      if (reply->type != REDIS_REPLY_ERROR)
        ++ok_;
      else if (failed == sent_) {
        failed = read_;
        why.assign(reply->str, reply->len);
      }
    }
    if (!why.empty()) throw coflow::detail::item_failed{failed, std::make_exception_ptr(error{why})};
  }
  /// Nothing to undo (each command stands alone); unread replies spoil the connection.
  void rollback() noexcept {
    if (read_ != sent_) lease_.spoil();
    read_ = sent_ = 0;
  }
  [[noreturn]] void fail(std::exception_ptr cause, const coflow::detail::batch_failure& f) {
    std::string m = std::string(Command::name) + ": ";
    if (f.row >= 0)
      m += "message " + std::to_string(f.row) + " " + f.values + " failed: " + what_of(cause) + "; " +
           std::to_string(f.committed + static_cast<std::int64_t>(ok_)) +
           " other message(s) of the flow were written";
    else
      m +=
          what_of(cause) + "; " + std::to_string(f.committed) + " message(s) of the flow were written before";
    throw error{m};
  }
  static std::string describe(const T& v) { return Command::describe(v); }

 private:
  void append(const std::vector<std::string>& argv) {
    ptrs_.clear();
    lens_.clear();
    for (const auto& s : argv) {
      ptrs_.push_back(s.data());
      lens_.push_back(s.size());
    }
    if (redisAppendCommandArgv(lease_.get(), static_cast<int>(ptrs_.size()), ptrs_.data(), lens_.data()) !=
        REDIS_OK)
      lease_.fail("sending a batch");
  }
  // The reply to command `read_` (under commit's sigpipe_guard); on a lost connection, once per
  // command, connects again and sends that command and those after it again.
  reply_ptr next_reply() {
    for (bool again = false;; again = true) {
      void* r = nullptr;
      if (redisGetReply(lease_.get(), &r) == REDIS_OK) return reply_ptr{static_cast<redisReply*>(r)};
      if (again || !lost(lease_.get())) lease_.fail("sending a batch");
      lease_.reconnect("sending a batch");
      for (std::size_t i = read_; i < sent_; ++i) append(batch_[i]);
    }
  }

  lease lease_;
  Command cmd_;
  std::vector<std::vector<std::string>> batch_;  // the batch's commands (kept to send them again)
  std::size_t sent_ = 0;                         // commands of the batch appended
  std::size_t read_ = 0;                         // ... whose replies were read
  std::size_t ok_ = 0;                           // ... that the server accepted
  std::vector<const char*> ptrs_;
  std::vector<std::size_t> lens_;
};

/// What a pipelined sink's worker calls first: borrows a connection for the writer.
template <class Writer, class Command>
struct pipeline_open {
  std::shared_ptr<pool> db;
  Command cmd;
  Writer operator()() { return Writer{db, cmd}; }
};

/// The consumer of a pipelined sink: each value is turned into the ring's type `T` by
/// `Command::convert` on the flow's thread (a copy the worker owns), then written by the worker.
template <class Command, class T>
class pipeline_consumer {
  using writer = pipeline_writer<Command, T>;
  using open = pipeline_open<writer, Command>;

 public:
  pipeline_consumer(std::shared_ptr<pool> db, Command cmd, coflow::detail::batch_options o)
      : inner_{open{std::move(db), std::move(cmd)}, o} {}

  template <class U>
  bool push(U&& v) {
    return inner_.push(Command::convert(std::forward<U>(v)));
  }
  std::int64_t result() && { return std::move(inner_).result(); }

 private:
  coflow::detail::batch_consumer<writer, T, open> inner_;
};

}  // namespace coflow::redis::detail
