// SPDX-License-Identifier: BSL-1.0
// coflow/redis/xadd.hpp - sinks into Redis streams: `xadd` appends messages, `ack` acknowledges
// what a consumer group delivered.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/quoted.hpp"
#include "coflow/redis/connection.hpp"
#include "coflow/redis/detail/pipeline.hpp"
#include "coflow/redis/message.hpp"
#include "coflow/sinks/sink.hpp"

namespace coflow::redis {

/// How `xadd` and `ack` write: at most `batch` commands pipelined (all sent, then all replies
/// read), a batch sent at the latest `batch_time` after its first value arrived, through a ring
/// of `capacity` values (a full ring makes the flow wait: a slow server slows the flow).
struct write_options {
  std::size_t batch = 512;
  std::chrono::milliseconds batch_time{2};
  std::size_t capacity = 4096;
  /// `xadd` only: trims the stream with `MAXLEN ~ maxlen` when not 0.
  std::size_t maxlen = 0;

  coflow::detail::batch_options as_batch() const { return {batch, batch_time, capacity}; }
};

namespace detail {

inline std::string describe_text(std::string_view s) {
  std::string out;
  coflow::detail::append_quoted(out, s);
  return out;
}

/// `XADD stream [MAXLEN ~ n] * field value ...` for a value of fields.
struct xadd_command {
  static constexpr std::string_view name = "redis::xadd";
  std::string stream;
  std::size_t maxlen = 0;

  template <class U>
  static redis::fields convert(U&& v) {
    return redis::fields(std::forward<U>(v));
  }
  void build(std::vector<std::string>& argv, const redis::fields& f) const {
    argv.insert(argv.end(), {"XADD", stream});
    if (maxlen != 0) argv.insert(argv.end(), {"MAXLEN", "~", std::to_string(maxlen)});
    argv.emplace_back("*");
    for (const auto& [k, v] : f) argv.insert(argv.end(), {k, v});
  }
  static std::string describe(const redis::fields& f) {
    std::string out = "{";
    for (const auto& [k, v] : f)
      out += (out.size() > 1 ? ", " : "") + describe_text(k) + ": " + describe_text(v);
    return out + "}";
  }
};

/// `XACK stream group id` for a message (or its id).
struct ack_command {
  static constexpr std::string_view name = "redis::ack";
  std::string stream;
  std::string group;

  template <class U>
  static std::string convert(U&& v) {
    if constexpr (std::is_same_v<std::remove_cvref_t<U>, message>)
      return std::forward<U>(v).id;
    else
      return std::string(std::string_view(v));
  }
  void build(std::vector<std::string>& argv, const std::string& id) const {
    argv.insert(argv.end(), {"XACK", stream, group, id});
  }
  static std::string describe(const std::string& id) { return id; }
};

/// What `xadd_sink` and `ack_sink` share: a pipelined sink of `Command`s whose ring holds `T`s.
template <class D, class Command, class T>
struct pipeline_sink_base : sink_base<D> {
  static constexpr std::string_view sink_name = Command::name;
  std::shared_ptr<pool> db;
  Command cmd;
  write_options options;

  template <class U>
  auto consumer() const {
    return pipeline_consumer<Command, T>{db, cmd, options.as_batch()};
  }
};

template <class U>
inline constexpr bool ackable_v = std::is_same_v<U, message> || std::is_convertible_v<U, std::string_view>;

}  // namespace detail

/// The sink of `xadd`: see there.
struct xadd_sink : detail::pipeline_sink_base<xadd_sink, detail::xadd_command, redis::fields> {
  template <class T>
  static constexpr bool accepts() noexcept {
    if constexpr (!std::is_convertible_v<T, redis::fields>) {
      static_assert(coflow::detail::always_false<T>,
                    "coflow::redis::xadd: the flow's values are not a message's fields (give a "
                    "coflow::redis::fields, a std::vector of std::pair<std::string, std::string>; "
                    "map other values to one first)");
      return false;
    } else {
      return true;
    }
  }
};

/// `flow | xadd(server, stream, options)`: appends each value of the flow (a message's fields,
/// `redis::fields`) to `stream` with `XADD stream [MAXLEN ~ n] * f v ...`, and gives the number
/// of messages appended. A worker thread borrows a connection from `server` and pipelines the
/// commands in batches (`write_options`); the flow waits when the ring is full. An error reply
/// (say, `stream` holds another type) fails the flow with a `redis::error` naming the message
/// (its index in the flow and its fields) and how many were written; so does a lost connection.
/// Commands are not transactions: messages sent before a failure stay in the stream.
///
///     auto n = coflow::iota(0, 100) | coflow::map(to_fields) | coflow::redis::xadd(r, "jobs");
inline auto xadd(const server& s, std::string stream, write_options options = {}) {
  return xadd_sink{{{}, s.pool(), detail::xadd_command{std::move(stream), options.maxlen}, options}};
}

/// The sink of `ack`: see there.
struct ack_sink : detail::pipeline_sink_base<ack_sink, detail::ack_command, std::string> {
  template <class T>
  static constexpr bool accepts() noexcept {
    if constexpr (!detail::ackable_v<std::remove_cvref_t<T>>) {
      static_assert(coflow::detail::always_false<T>,
                    "coflow::redis::ack: the flow's values are neither coflow::redis::message nor "
                    "a message id (a string)");
      return false;
    } else {
      return true;
    }
  }
};

/// `flow | ack(server, stream, group, options)`: acknowledges (`XACK`) each message (or id) the
/// flow gives, pipelined in batches like `xadd`, and gives the number of acknowledgements sent
/// (a message already acknowledged counts too). Put it at the end of the flow that handles what
/// `read_group` delivered: a message is acknowledged only once every stage before the sink has
/// finished with it, which is what makes the delivery at-least-once (docs/distributed.md).
///
///     coflow::redis::read_group(r, "jobs", "workers", "w1") | coflow::map(handle) |
///         coflow::redis::ack(r, "jobs", "workers");
inline auto ack(const server& s, std::string stream, std::string group, write_options options = {}) {
  return ack_sink{{{}, s.pool(), detail::ack_command{std::move(stream), std::move(group)}, options}};
}

}  // namespace coflow::redis
