// SPDX-License-Identifier: BSL-1.0
// coflow/redis/connection.hpp - a Redis server and its pool of hiredis connections.
#pragma once

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "coflow/threads/detail/pool.hpp"

namespace coflow::redis {

/// Every failure of coflow's Redis stages: a refused connection (naming host:port), an error
/// reply (the server's message), a field that does not decode.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a Redis server is and how coflow talks to it.
struct options {
  std::string host = "127.0.0.1";
  int port = 6379;
  /// Sent with AUTH after connecting when not empty.
  std::string password;
  /// How long one attempt to connect may take.
  std::chrono::milliseconds connect_timeout{2000};
  /// How many times connecting is tried, `retry_interval` apart, before a stage fails naming
  /// host:port: when a stage first borrows a connection, and when a connection it holds is lost
  /// (the server restarted) and is opened again. At least 1.
  int connect_attempts = 10;
  std::chrono::milliseconds retry_interval{200};
  /// Idle connections kept open for the next stages; more are closed when given back.
  std::size_t max_idle = 4;

  /// The options of a server at `"host:port"` (the port after the last colon), the rest as above.
  static options at(std::string_view host_port) {
    options o;
    const auto colon = host_port.rfind(':');
    if (colon == std::string_view::npos)
      throw error{"redis: \"" + std::string(host_port) + "\" is not host:port"};
    o.host = std::string(host_port.substr(0, colon));
    o.port = std::stoi(std::string(host_port.substr(colon + 1)));
    return o;
  }
};

/// A Redis stream message's fields, in order: (field, value) pairs.
using fields = std::vector<std::pair<std::string, std::string>>;

namespace detail {

struct reply_deleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

inline void free_context(redisContext* c) noexcept {
  redisFree(c);
}

/// Blocks SIGPIPE on the calling thread while it lives, so that writing to a connection the
/// server closed fails (EPIPE, then coflow connects again) instead of killing the process; a
/// SIGPIPE raised meanwhile is consumed. (hiredis writes with write(2); Linux has no per-socket
/// SO_NOSIGPIPE.)
class sigpipe_guard {
 public:
  sigpipe_guard() noexcept {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;
  ~sigpipe_guard() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec now{};
      sigtimedwait(&pipe_, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

inline std::string where_of(const options& o) {
  return o.host + ":" + std::to_string(o.port);
}

/// One attempt to open a connection, authenticate it and see it answer PING (a restarted server
/// answers LOADING until its data is back): the connection, or null and why not. A refused AUTH
/// throws: trying again would not help.
inline redisContext* try_connect(const options& o, std::string& why) {
  sigpipe_guard g;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(o.connect_timeout).count();
  const timeval tv{static_cast<decltype(tv.tv_sec)>(us / 1'000'000),
                   static_cast<decltype(tv.tv_usec)>(us % 1'000'000)};
  std::unique_ptr<redisContext, decltype(&redisFree)> c{redisConnectWithTimeout(o.host.c_str(), o.port, tv),
                                                        &redisFree};
  if (!c || c->err) {
    why = c ? c->errstr : "out of memory";
    return nullptr;
  }
  if (!o.password.empty()) {
    reply_ptr r{
        static_cast<redisReply*>(redisCommand(c.get(), "AUTH %b", o.password.data(), o.password.size()))};
    if (r && r->type == REDIS_REPLY_ERROR)
      throw error{"AUTH failed at " + where_of(o) + ": " + std::string(r->str, r->len)};
    if (!r) {
      why = c->errstr;
      return nullptr;
    }
  }
  reply_ptr r{static_cast<redisReply*>(redisCommand(c.get(), "PING"))};
  if (!r || r->type == REDIS_REPLY_ERROR) {
    why = r ? std::string(r->str, r->len) : std::string(c->errstr);
    return nullptr;
  }
  return c.release();
}

/// Opens a connection on the calling thread, trying `connect_attempts` times, or throws (the
/// caller prefixes the message with its name).
inline redisContext* connect(const options& o) {
  const int attempts = std::max(o.connect_attempts, 1);
  std::string why;
  for (int i = 1;; ++i) {
    if (redisContext* c = try_connect(o, why)) return c;
    if (i == attempts) break;
    std::this_thread::sleep_for(o.retry_interval);
  }
  std::string m = "cannot connect to " + where_of(o) + ": " + why;
  if (attempts > 1)
    m += " (" + std::to_string(attempts) + " attempts, " + std::to_string(o.retry_interval.count()) +
         " ms apart)";
  throw error{m};
}

/// Whether `c` failed on its socket (the server closed it, or went away): connecting again may help.
inline bool lost(const redisContext* c) noexcept {
  return c->err == REDIS_ERR_IO || c->err == REDIS_ERR_EOF;
}

/// The connections to one server, which stages borrow one at a time on their worker threads.
class pool : public coflow::detail::pool_base<redisContext*, &free_context> {
 public:
  explicit pool(options o) : pool_base{o.max_idle}, options_{std::move(o)} {}

  /// An idle connection, else a new one (on the calling thread).
  redisContext* acquire() {
    if (auto c = take_idle()) return *c;
    return acquire_new();
  }
  /// Closes `c`, lost, and opens another in its place (`connect_attempts` tries).
  redisContext* reopen(redisContext* c) {
    close(c);
    return acquire_new();
  }
  /// Takes a connection back if it is sound and has no reply left unread; closes it otherwise.
  void release(redisContext* c, bool reusable) noexcept {
    if (reusable && c->err == 0)
      keep_or_close(c);
    else
      close(c);
  }
  const options& settings() const noexcept { return options_; }

 private:
  redisContext* acquire_new() {
    redisContext* c = connect(options_);
    count_opened();
    return c;
  }

  options options_;
};

/// A connection borrowed from a pool for as long as it lives (on one worker thread).
class lease {
 public:
  /// Borrows a connection; a failure to connect names `who` (the stage).
  lease(std::shared_ptr<pool> p, std::string_view who) : pool_{std::move(p)}, c_{acquire(who)} {}
  lease(lease&& o) noexcept
      : pool_{std::move(o.pool_)},
        c_{std::exchange(o.c_, nullptr)},
        sound_{o.sound_},
        reconnects_{o.reconnects_} {}
  lease& operator=(lease&&) = delete;
  ~lease() {
    if (c_) pool_->release(c_, sound_);
  }
  redisContext* get() const noexcept { return c_; }
  /// Replies may be left unread: the connection is closed instead of given back.
  void spoil() noexcept { sound_ = false; }
  const options& settings() const noexcept { return pool_->settings(); }

  /// Runs one command (`argv`, binary-safe) and gives its reply; throws on an error reply or
  /// a connection that fails again at once, naming `what`. A lost connection (the server
  /// restarted) is opened again and the command sent again: it may have run twice.
  reply_ptr command(const std::vector<std::string>& argv, const std::string& what) {
    std::vector<const char*> a;
    std::vector<std::size_t> n;
    for (const auto& s : argv) {
      a.push_back(s.data());
      n.push_back(s.size());
    }
    for (bool again = false;; again = true) {
      void* r = nullptr;
      {
        sigpipe_guard g;
        r = redisCommandArgv(c_, static_cast<int>(a.size()), a.data(), n.data());
      }
      reply_ptr reply{static_cast<redisReply*>(r)};
      if (reply && reply->type == REDIS_REPLY_ERROR)
        throw error{what + ": " + std::string(reply->str, reply->len)};
      if (reply) return reply;
      if (again || !lost(c_)) fail(what);
      reconnect(what);
    }
  }
  /// Opens the lost connection again (see `options::connect_attempts`), or throws naming `what`.
  void reconnect(const std::string& what) {
    const std::string why = c_->errstr;
    redisContext* old = std::exchange(c_, nullptr);
    try {
      c_ = pool_->reopen(old);
    } catch (const error& e) {
      throw error{what + ": lost the connection to " + where() + " (" + why + ") and " + e.what()};
    }
    ++reconnects_;
  }
  /// Throws: the connection failed (and is not given back), naming `what`.
  [[noreturn]] void fail(const std::string& what) {
    spoil();
    throw error{what + ": the connection to " + where() + " failed: " + c_->errstr};
  }
  /// How many times the connection was lost and opened again.
  std::size_t reconnects() const noexcept { return reconnects_; }
  std::string where() const { return where_of(settings()); }

 private:
  redisContext* acquire(std::string_view who) {
    try {
      return pool_->acquire();
    } catch (const error& e) {
      throw error{std::string(who) + ": " + e.what()};
    }
  }

  std::shared_ptr<pool> pool_;
  redisContext* c_;
  bool sound_ = true;
  std::size_t reconnects_ = 0;
};

}  // namespace detail

/// A Redis server with a pool of connections: each running stage borrows one of its own on its
/// worker thread (a hiredis context is used by one thread at a time, never shared) and gives it
/// back when it ends, unless it failed. Nothing connects before the first stage runs. Copies
/// share the pool.
///
///     coflow::redis::server r{{.host = "127.0.0.1", .port = 6379}};
class server {
 public:
  explicit server(options o = {}) : pool_{std::make_shared<detail::pool>(std::move(o))} {}

  /// Runs one command on the calling thread (it blocks) and gives the reply as text: a status,
  /// string or integer reply's value, empty for nil. For setup and checks (`DEL s`, `XLEN s`).
  std::string command(const std::vector<std::string>& argv) const {
    const std::string what = "redis: " + (argv.empty() ? std::string{} : argv.front());
    detail::lease l{pool_, what};
    auto r = l.command(argv, what);
    if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) return std::string(r->str, r->len);
    return {};
  }

  /// Connections open now (in use or idle).
  [[nodiscard]] std::size_t open_connections() const { return pool_->open(); }
  /// Connections open and waiting for a stage.
  [[nodiscard]] std::size_t idle_connections() const { return pool_->idle(); }
  const std::shared_ptr<detail::pool>& pool() const noexcept { return pool_; }

 private:
  std::shared_ptr<detail::pool> pool_;
};

}  // namespace coflow::redis
