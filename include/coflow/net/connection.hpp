// SPDX-License-Identifier: BSL-1.0
// coflow/net/connection.hpp - one Asio stream shared by a flow's socket source and writer.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include "coflow/core/failure.hpp"
#include "coflow/core/waker.hpp"

namespace coflow::net {

/// The failure of a connection that received nothing for its idle timeout (`serve`).
class idle_timeout_error : public std::runtime_error {
 public:
  idle_timeout_error() : std::runtime_error("coflow::net: the connection was idle for too long") {}
};

/// Bytes a set of connections holds in memory: read but not yet taken by their flows, and
/// given to their writers but not yet written. Shared by the connections of one server; read
/// from any thread.
class byte_meter {
 public:
  void add(std::size_t n) noexcept {
    const std::size_t now = current_.fetch_add(n, std::memory_order_relaxed) + n;
    std::size_t p = peak_.load(std::memory_order_relaxed);
    while (now > p && !peak_.compare_exchange_weak(p, now, std::memory_order_relaxed)) {
    }
  }
  void sub(std::size_t n) noexcept { current_.fetch_sub(n, std::memory_order_relaxed); }
  /// Bytes held now.
  [[nodiscard]] std::size_t current() const noexcept { return current_.load(std::memory_order_relaxed); }
  /// The most bytes held at once so far.
  [[nodiscard]] std::size_t peak() const noexcept { return peak_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> current_{0};
  std::atomic<std::size_t> peak_{0};
};

namespace detail {

/// What the socket source, the writer and the server share about one stream. The Asio
/// handlers hold it too, so a flow destroyed while a read or a write is in flight leaves
/// them nothing dangling. Touched only on the stream's executor (one thread).
template <class Stream>
struct conn_state {
  template <class... A>
  explicit conn_state(std::shared_ptr<byte_meter> m, A&&... a)
      : stream{std::forward<A>(a)...}, meter{std::move(m)} {}
  conn_state(const conn_state&) = delete;
  conn_state& operator=(const conn_state&) = delete;
  // No handler is pending (each holds the state): what is still buffered leaves the meter.
  ~conn_state() { meter->sub(in_len + out.size()); }

  Stream stream;
  std::shared_ptr<byte_meter> meter;  // never null
  failure aborted;                    // set by abort(): every later pull fails with it
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  // The connect in progress (`connect`): reads and writes wait for it.
  bool connecting = false;
  boost::system::error_code connect_error;
  // Read side: one read at most in flight, started by a pull.
  std::vector<char> in;
  std::size_t in_len = 0;  // bytes read into `in` and not yet handed out
  bool reading = false;
  boost::system::error_code read_error;  // eof included
  waker reader;
  // Write side: `out` fills while `flight` is written.
  std::string out, flight;
  bool writing = false;
  boost::system::error_code write_error;
  waker writer;

  void wake_all() {
    std::exchange(reader, {}).wake();
    std::exchange(writer, {}).wake();
  }

  /// Ends the connection now with `why`: pending operations are cancelled (their handlers
  /// see operation_aborted) and both sides' flows are woken to see the failure.
  void abort(failure why) {
    if (!aborted) aborted = std::move(why);
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
    wake_all();
  }

  void close() {
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
  }
};

inline failure system_failure(const boost::system::error_code& ec) {
  return failure::make(boost::system::system_error(ec));
}

}  // namespace detail

/// A handle on a stream (`tcp::socket`, `local::stream_protocol::socket`, an
/// `ssl::stream<tcp::socket>`, ...) that its source (`read_chunks`, `lines`) and its writer
/// (`write`) share. Copies share the stream; it is closed when the last copy, source, writer
/// and pending operation are gone. Use it on the stream's executor.
template <class Stream>
class connection {
 public:
  using stream_type = Stream;

  /// Takes the stream; the meter counts its buffered bytes (a new one when null).
  explicit connection(Stream s, std::shared_ptr<byte_meter> meter = nullptr)
      : state_{std::make_shared<detail::conn_state<Stream>>(
            meter ? std::move(meter) : std::make_shared<byte_meter>(), std::move(s))} {}
  explicit connection(std::shared_ptr<detail::conn_state<Stream>> s) noexcept : state_{std::move(s)} {}

  [[nodiscard]] Stream& stream() noexcept { return state_->stream; }
  [[nodiscard]] const byte_meter& meter() const noexcept { return *state_->meter; }
  /// Closes the stream now: a read or write in flight ends with operation_aborted.
  void close() { state_->close(); }
  [[nodiscard]] const std::shared_ptr<detail::conn_state<Stream>>& state() const noexcept { return state_; }

 private:
  std::shared_ptr<detail::conn_state<Stream>> state_;
};

}  // namespace coflow::net
