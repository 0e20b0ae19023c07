// SPDX-License-Identifier: BSL-1.0
// coflow/drivers/asio_clock.hpp - the Asio driver's timers, on the steady clock or on virtual time.
#pragma once

#include <cassert>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

// libc++ drops std::result_of in C++20, which Boost.Asio (1.74, Debian 12's) uses unless told
// that the library has std::invoke_result (it detects that only for MSVC). libstdc++ keeps
// result_of: there Asio is left as it is, so that every translation unit sees the same Asio.
#if defined(_LIBCPP_VERSION) && !defined(BOOST_ASIO_HAS_STD_INVOKE_RESULT) && \
    !defined(BOOST_ASIO_DISABLE_STD_INVOKE_RESULT)
#define BOOST_ASIO_HAS_STD_INVOKE_RESULT 1
#endif

#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"

namespace coflow::asio {

namespace detail {

/// The virtual clock of an execution context and the timers set on it (`use_virtual_clock`):
/// a timer is an entry keyed by (deadline, order set), fired by `advance`. Touched only from
/// the context's handlers and from `advance`/`run_until_idle`, which the driver's rules make
/// serial.
class virtual_timers final : public boost::asio::execution_context::service {
 public:
  using key = std::pair<std::chrono::steady_clock::time_point, std::uint64_t>;
  static inline boost::asio::execution_context::id id;

  virtual_timers(boost::asio::execution_context& ctx, virtual_clock& c)
      : boost::asio::execution_context::service{ctx}, clock{&c} {}
  // For `use_service`, which the driver calls only where `has_service` found one made with a
  // clock.
  explicit virtual_timers(boost::asio::execution_context& ctx)
      : boost::asio::execution_context::service{ctx}, clock{nullptr} {}

  key add(cooperate::duration d, std::function<void()> fn) {
    key k{clock->now() + d, seq_++};
    due_.emplace(k, std::move(fn));
    return k;
  }
  void cancel(const key& k) { due_.erase(k); }

  /// The deadline of the next timer, if any is set.
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> next() const {
    if (due_.empty()) return std::nullopt;
    return due_.begin()->first.first;
  }

  /// Fires the timers due by the clock, in the order they were set.
  void fire_due() {
    while (!due_.empty() && due_.begin()->first.first <= clock->now()) {
      std::function<void()> fn = std::move(due_.begin()->second);
      due_.erase(due_.begin());
      fn();
    }
  }

  virtual_clock* clock;

 private:
  void shutdown() override {
    auto dropped = std::move(due_);  // the flows asleep on them are destroyed here
    due_.clear();
  }

  std::map<key, std::function<void()>> due_;
  std::uint64_t seq_ = 0;
};

/// The virtual timers of the context `ex` runs on, or null when it runs on the steady clock.
template <class Executor>
virtual_timers* virtual_timers_of(const Executor& ex) {
  auto& ctx = boost::asio::query(ex, boost::asio::execution::context);
  if (!boost::asio::has_service<virtual_timers>(ctx)) return nullptr;
  return &boost::asio::use_service<virtual_timers>(ctx);
}

/// One timer of the driver: a `steady_timer`, or an entry of the context's virtual timers.
/// `arm(d, fn)` calls `fn()` on the executor after `d` unless `cancel()` comes first.
template <class Executor>
class flow_timer {
 public:
  explicit flow_timer(const Executor& ex) : timer_{ex}, virtual_{virtual_timers_of(ex)} {}

  template <class F>
  void arm(cooperate::duration d, F fn) {
    if (virtual_) {
      key_ = virtual_->add(d, std::move(fn));
      return;
    }
    timer_.expires_after(d);
    timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) mutable {
      if (!ec) fn();
    });
  }

  void cancel() {
    if (virtual_)
      virtual_->cancel(key_);  // a key already fired is gone: nothing happens
    else
      timer_.cancel();
  }

 private:
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                    boost::asio::wait_traits<std::chrono::steady_clock>, Executor>
      timer_;
  virtual_timers* virtual_;
  virtual_timers::key key_{};
};

inline virtual_timers& virtual_timers_in(boost::asio::io_context& ctx) {
  assert(boost::asio::has_service<virtual_timers>(ctx) &&
         "coflow::asio: the io_context runs on the steady clock; call use_virtual_clock first");
  return boost::asio::use_service<virtual_timers>(ctx);
}

// Runs the handlers that are ready, and those they make ready, with `coflow::now()` reading
// the virtual clock.
inline void poll_on(boost::asio::io_context& ctx, virtual_timers& vt) {
  const coflow::detail::clock_scope virtual_time{vt.clock};
  ctx.restart();
  ctx.poll();
}

}  // namespace detail

/// Puts `ctx` on virtual time: the driver's timers (a flow's `cooperate{d}`, `call_later`)
/// are read from `clock` and never wait for real time, and the time-based stages read
/// `coflow::now()` from it. Call it before spawning on `ctx`, and drive `ctx` with
/// `run_until_idle` and `advance` (not `ctx.run()`, which would wait for the virtual timers
/// forever).
///
///     coflow::virtual_clock clock;
///     boost::asio::io_context ctx;
///     coflow::asio::use_virtual_clock(ctx, clock);
///     auto d = coflow::asio::spawn(ctx, events | coflow::timeout(1h));
///     coflow::asio::advance(ctx, 90min);
inline void use_virtual_clock(boost::asio::io_context& ctx, virtual_clock& clock) {
  boost::asio::make_service<detail::virtual_timers>(ctx, clock);
}

/// On virtual time: runs the handlers that are ready, and those they make ready, until none is
/// (no flow can run until the time moves or an event arrives).
inline void run_until_idle(boost::asio::io_context& ctx) {
  detail::poll_on(ctx, detail::virtual_timers_in(ctx));
}

/// On virtual time: moves the clock forward by `d`, stopping at each timer that falls due on
/// the way to run what it starts until idle, so every timer fires at its own instant (as
/// `coflow::scheduler::advance` does).
inline void advance(boost::asio::io_context& ctx, cooperate::duration d) {
  detail::virtual_timers& vt = detail::virtual_timers_in(ctx);
  const auto until = vt.clock->now() + d;
  detail::poll_on(ctx, vt);
  for (auto next = vt.next(); next && *next <= until; next = vt.next()) {
    vt.clock->advance(*next - vt.clock->now());
    {
      const coflow::detail::clock_scope virtual_time{vt.clock};
      vt.fire_due();
    }
    detail::poll_on(ctx, vt);
  }
  vt.clock->advance(until - vt.clock->now());
  detail::poll_on(ctx, vt);
}

}  // namespace coflow::asio
