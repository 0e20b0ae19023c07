// SPDX-License-Identifier: BSL-1.0
// coflow/net/read.hpp - a socket source that reads only when its flow pulls.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/asio/buffer.hpp>

#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/net/connection.hpp"
#include "coflow/net/detail/stream.hpp"
#include "coflow/stages/adaptor.hpp"
#include "coflow/stages/line_break.hpp"

namespace coflow::net {

/// How `read_chunks` reads.
struct chunk_options {
  /// The most bytes one read takes (and one chunk holds).
  std::size_t read_size = 16 * 1024;
};

/// How `lines` cuts the bytes it reads.
struct line_options {
  char delimiter = '\n';
  /// A longer line is a failure (`std::length_error`); the source holds at most this many
  /// bytes of an unfinished line plus one read.
  std::size_t max_length = 64 * 1024;
  /// Text after the last delimiter at the end of the stream is the last line (true) or a
  /// failure (false).
  bool trailer = true;
  /// With '\n' as the delimiter, a line's final '\r' is dropped ("\r\n" ends a line too).
  bool strip_cr = true;
  std::size_t read_size = 16 * 1024;
};

namespace detail {

/// Starts the one read a pull asked for. The handler wakes the flow that asked.
template <class Stream>
void start_read(const std::shared_ptr<conn_state<Stream>>& st) {
  conn_state<Stream>& s = *st;
  s.reading = true;
  s.stream.async_read_some(boost::asio::buffer(s.in),
                           [st](const boost::system::error_code& ec, std::size_t n) {
                             conn_state<Stream>& c = *st;
                             c.reading = false;
                             c.in_len = n;
                             c.meter->add(n);
                             if (ec) c.read_error = ec;
                             c.last_activity = std::chrono::steady_clock::now();
                             std::exchange(c.reader, {}).wake();
                           });
}

/// The stage behind `read_chunks` (`Chunk` = std::string) and `lines` (`Chunk` =
/// std::string_view into the read buffer, valid until the next pull). A pull with nothing
/// read starts one read and parks; no read is in flight unless the flow asked for data, so a
/// slow flow slows its peer down (TCP's window) instead of buffering.
template <class Stream, class Chunk>
class chunk_source : public stage_base<> {
 public:
  using value_type = Chunk;
  static constexpr bool can_cooperate = true;
  static constexpr std::size_t buffer_bound = 1;
  static constexpr std::string_view stage_name = "net::read_chunks";

  chunk_source(std::shared_ptr<conn_state<Stream>> s, std::size_t read_size) : st_{std::move(s)} {
    if (read_size == 0) throw std::invalid_argument("coflow::net::read_chunks: read_size must not be 0");
    st_->in.resize(read_size);
  }
  chunk_source(chunk_source&& o) noexcept
      : st_{std::move(o.st_)}, handed_{std::exchange(o.handed_, 0)}, ended_{o.ended_} {}
  chunk_source& operator=(chunk_source&&) = delete;
  ~chunk_source() {
    if (st_) st_->meter->sub(handed_);
  }

  step<value_type> next() {
    conn_state<Stream>& s = *st_;
    st_->meter->sub(std::exchange(handed_, 0));  // the consumer is done with the last chunk
    if (ended_) return done;
    if (s.aborted) return end(s.aborted);
    if (s.reading || s.connecting) return park();
    if (s.in_len > 0) {
      handed_ = std::exchange(s.in_len, 0);
      return value_type(s.in.data(), handed_);
    }
    if (s.connect_error) return end(system_failure(s.connect_error));
    if (stream_traits<Stream>::is_end(s.read_error)) return end(done);
    if (s.read_error) return end(system_failure(s.read_error));
    start_read(st_);
    return park();
  }

 private:
  step<value_type> park() {
    st_->reader = current_waker();
    return cooperate::park();
  }
  step<value_type> end(step<value_type> s) {
    ended_ = true;
    return s;
  }

  std::shared_ptr<conn_state<Stream>> st_;
  std::size_t handed_ = 0;  // bytes of the chunk the consumer holds, still on the meter
  bool ended_ = false;
};

/// After `line_break`: drops a line's final '\r' and checks the length without it.
struct line_tail_core {
  using value_type = std::string;
  static constexpr std::string_view stage_name = "net::lines";
  std::size_t max_length;
  bool strip_cr;
  std::size_t line = 0;

  template <class Emit>
  bool on_value(std::string s, Emit& emit) {
    ++line;
    if (strip_cr && !s.empty() && s.back() == '\r') s.pop_back();
    if (s.size() > max_length)
      throw std::length_error("coflow::net::lines: line " + std::to_string(line) + " is longer than " +
                              std::to_string(max_length) + " bytes");
    return emit(std::move(s));
  }
};

}  // namespace detail

/// The bytes read from `c`, as chunks (`std::string`) of at most `read_size` bytes, then the
/// end at EOF or a failure (`boost::system::system_error`) when the stream fails.
///
///     auto d = coflow::asio::spawn(ctx, coflow::net::read_chunks(conn), coflow::to_vector());
template <class Stream>
auto read_chunks(const connection<Stream>& c, chunk_options o = {}) {
  return detail::chunk_source<Stream, std::string>{c.state(), o.read_size};
}

/// The lines read from `c` (without their delimiter): `read_chunks` cut by `line_break`.
/// A line longer than `max_length` is a `std::length_error`.
///
///     coflow::net::lines(conn) | coflow::map(to_upper) | coflow::net::write(conn, {.suffix = "\n"})
template <class Stream>
auto lines(const connection<Stream>& c, line_options o = {}) {
  const bool strip = o.strip_cr && o.delimiter == '\n';
  const std::size_t cut = strip ? o.max_length + 1 : o.max_length;  // room for the '\r'
  auto cut_lines = detail::chunk_source<Stream, std::string_view>{c.state(), o.read_size} |
                   coflow::line_break(o.delimiter, cut, o.trailer);
  using S = decltype(cut_lines);
  return adapted_stage<S, detail::line_tail_core>{std::move(cut_lines),
                                                  detail::line_tail_core{o.max_length, strip}};
}

}  // namespace coflow::net
