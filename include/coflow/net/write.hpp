// SPDX-License-Identifier: BSL-1.0
// coflow/net/write.hpp - a stage that writes its upstream's values to a stream.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/net/connection.hpp"
#include "coflow/net/detail/stream.hpp"

namespace coflow::net {

/// How `write` writes.
struct write_options {
  /// Written after each value ("\n" for a line protocol).
  std::string suffix;
  /// The most bytes the writer takes from its upstream before it parks: at most this many
  /// wait while as many are being written, so a peer that stops reading bounds the memory.
  std::size_t max_buffered = 64 * 1024;
  /// Close the sending side after the last write: a half-close (TCP shutdown of the sending
  /// side), or a TLS close_notify.
  bool shutdown = true;
  /// When the upstream fails: the reply to write before ending with that failure (none
  /// when empty or when the function gives nothing).
  std::function<std::optional<std::string>(const failure&)> error_reply{};
};

namespace detail {

/// Starts writing what the writer gathered; the handler wakes the flow.
template <class Stream>
void start_write(const std::shared_ptr<conn_state<Stream>>& st) {
  conn_state<Stream>& s = *st;
  s.writing = true;
  s.flight.clear();
  s.flight.swap(s.out);
  boost::asio::async_write(s.stream, boost::asio::buffer(s.flight),
                           [st](const boost::system::error_code& ec, std::size_t) {
                             conn_state<Stream>& c = *st;
                             c.writing = false;
                             c.meter->sub(c.flight.size());
                             if (ec) c.write_error = ec;
                             c.last_activity = std::chrono::steady_clock::now();
                             std::exchange(c.writer, {}).wake();
                           });
}

/// The stage `upstream | net::write(conn, options)`. It pulls its upstream while it holds
/// less than `max_buffered` bytes, and writes what it gathered when the upstream has nothing
/// at once (a cooperate) or the limit is reached, so values that arrive together leave in one
/// write. While a write is in flight and the limit is reached it parks, with the write's
/// completion as its waker. At the end it writes what is left, half-closes, and gives one
/// value: the bytes written. A failure of the upstream is written nowhere but (after the
/// optional error reply) ends the stage; a failed write is the stage's failure.
template <stage S, class Stream>
class write_stage : public stage_base<S> {
 public:
  using value_type = std::size_t;
  static constexpr bool can_cooperate = true;
  static constexpr std::size_t buffer_bound = buffer_bound_v<S>;
  static constexpr std::string_view stage_name = "net::write";

  write_stage(S up, std::shared_ptr<conn_state<Stream>> st, write_options o)
      : up_{std::move(up)}, st_{std::move(st)}, o_{std::move(o)} {}

  step<value_type> next() {
    step<value_type> r = pull();
    st_->meter->add(std::exchange(unmetered_, 0));  // once per pull, not per value
    return r;
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return write_stage<coflow::detail::rebuilt_t<F, S>, Stream>{f(std::move(up_)), st_, o_};
  }

 private:
  step<value_type> pull() {
    conn_state<Stream>& s = *st_;
    for (;;) {
      if (finished_) return done;
      if (s.aborted) return finish(s.aborted);
      if (s.write_error) return finish(system_failure(s.write_error));
      if (s.connect_error) return finish(system_failure(s.connect_error));
      if (s.connecting) return park();
      if (upstream_ended_) return flush();
      if (s.out.size() >= o_.max_buffered) {
        if (!s.writing) start_write(st_);
        return park();
      }
      step<value_t<S>> v = up_.next();
      if (v.has_value()) {
        gather(std::string_view(*v));
      } else if (v.is_cooperate()) {
        if (!s.writing && !s.out.empty()) start_write(st_);
        if (s.writing) s.writer = current_waker();
        return v.cooperation();
      } else {
        upstream_ended_ = true;
        if (v.is_failure()) fail_upstream(std::move(v).error());
      }
    }
  }

  void gather(std::string_view text) {
    conn_state<Stream>& s = *st_;
    s.out.append(text);
    s.out.append(o_.suffix);
    const std::size_t n = text.size() + o_.suffix.size();
    unmetered_ += n;
    written_ += n;
  }

  void fail_upstream(failure f) {
    if (o_.error_reply) {
      if (std::optional<std::string> reply = o_.error_reply(f)) {
        st_->out.append(*reply);
        unmetered_ += reply->size();
        written_ += reply->size();
      }
    }
    error_ = std::move(f);
  }

  // The upstream ended: write what is left, then half-close.
  step<value_type> flush() {
    conn_state<Stream>& s = *st_;
    if (s.writing) return park();
    if (!s.out.empty()) {
      start_write(st_);
      return park();
    }
    if (o_.shutdown) stream_traits<Stream>::close_sending(st_);
    if (error_) return finish(std::move(error_));
    finished_ = true;
    return written_;
  }

  step<value_type> park() {
    st_->writer = current_waker();
    return cooperate::park();
  }

  // Ends the stage with a failure: what was not written is dropped.
  step<value_type> finish(step<value_type> s) {
    finished_ = true;
    st_->meter->add(std::exchange(unmetered_, 0));
    st_->meter->sub(st_->out.size());
    st_->out.clear();
    return s;
  }

  S up_;
  std::shared_ptr<conn_state<Stream>> st_;
  write_options o_;
  failure error_;  // the upstream's, given after the reply is written
  std::size_t written_ = 0;
  std::size_t unmetered_ = 0;  // gathered in this pull, added to the meter when it returns
  bool upstream_ended_ = false;
  bool finished_ = false;
};

template <class Stream>
struct write_fn {
  template <class U>
  static auto apply(U&& up, std::shared_ptr<conn_state<Stream>> st, write_options o) {
    using S = std::remove_cvref_t<U>;
    if constexpr (!std::is_convertible_v<value_t<S>, std::string_view>) {
      static_assert(coflow::detail::always_false<U>,
                    "coflow::net::write: the upstream value type is not text (it does not convert to "
                    "std::string_view)");
      return coflow::detail::ill_formed{};
    } else {
      return write_stage<S, Stream>{std::forward<U>(up), std::move(st), std::move(o)};
    }
  }
};

}  // namespace detail

/// `flow | net::write(conn, options)`: writes every value of `flow` (text: anything that
/// converts to `std::string_view`) to `conn`'s stream, then closes its sending side (a
/// half-close; TLS: close_notify); gives the number of bytes written, once, at the end. Run it
/// on the stream's executor (`coflow::asio::spawn`).
///
///     auto d = coflow::asio::spawn(ctx, coflow::from(lines) | coflow::net::write(conn, {.suffix = "\n"}));
template <class Stream>
auto write(const connection<Stream>& c, write_options o = {}) {
  return make_closure<detail::write_fn<Stream>>(c.state(), std::move(o));
}

}  // namespace coflow::net
