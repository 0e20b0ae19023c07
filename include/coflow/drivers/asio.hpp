// coflow/drivers/asio.hpp - running flows on a boost::asio::io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/scheduling/deferred.hpp"
#include "coflow/scheduling/spawn.hpp"
#include "coflow/sinks/sink.hpp"

/// The Boost.Asio driver: the same flows and deferreds as `coflow::scheduler`, with Asio as
/// the event loop. A `cooperate{0}` is a `post`, `cooperate{d}` a `steady_timer`, a wake-up
/// a `post` (so wakers may fire from any thread).
///
///     boost::asio::io_context ctx;
///     coflow::deferred<std::vector<int>> d = coflow::asio::spawn(ctx, flow);
///     ctx.run();
///
/// Rules: the executor must run handlers one at a time (an io_context run by one thread, or a
/// strand); deferreds are fired, and `cancel()`ed, on it. A spawned flow holds work on the
/// executor until it finishes, so `ctx.run()` returns only when every flow has finished, as
/// `scheduler::run()` does. Finish or cancel flows before destroying their io_context.
namespace coflow::asio {

namespace detail {

template <class Ctx>
auto executor_of(Ctx& ctx) {
  if constexpr (requires { ctx.get_executor(); }) return ctx.get_executor();
  else return ctx;
}

template <class Executor, class S, class C, class R>
class task final : public waker::target, public std::enable_shared_from_this<task<Executor, S, C, R>> {
 public:
  task(const Executor& ex, S s, C c, deferred<R> d, bool errback_trapped)
      : ex_{ex},
        timer_{ex},
        work_{boost::asio::make_work_guard(ex)},
        body_{std::move(s), std::move(c), std::move(d), errback_trapped} {}

  // A flow dropped by everyone (its io_context destroyed its handlers, or every waker of a
  // parked flow is gone) can never resume: its deferred errbacks with cancelled_error.
  ~task() override {
    if (!finished_) {
      body_.release();
      deferred<R> d = body_.result();
      if (!d.fired()) d.errback(failure::make(cancelled_error{}));
    }
  }

  static void post_run(std::shared_ptr<task> self) {
    Executor& ex = self->ex_;
    boost::asio::post(ex, [self = std::move(self)]() mutable {
      task& t = *self;
      t.run(std::move(self));
    });
  }

  void wake() noexcept override {
    if (state_.wake()) post_run(this->shared_from_this());
  }

  void cancel() {
    if (finished_) return;
    if (running_) cancel_requested_ = true;
    else finish();
  }

 private:
  void run(std::shared_ptr<task> self) {
    if (finished_) return;
    ++gen_;
    if (timer_armed_) {  // woken before the timer
      timer_armed_ = false;
      timer_.cancel();
    }
    running_ = true;
    // The waker is made per turn (not kept), so a flow nobody can wake is freed, not leaked.
    coflow::detail::turn r = body_.run(waker{std::shared_ptr<waker::target>(self)});
    running_ = false;
    if (cancel_requested_) {
      finish();
      return;
    }
    switch (r.kind) {
      case coflow::detail::turn::again:
        post_run(std::move(self));
        break;
      case coflow::detail::turn::park:
        if (!state_.try_idle()) post_run(std::move(self));
        break;
      case coflow::detail::turn::sleep:
        if (!state_.try_idle()) {
          post_run(std::move(self));
        } else {
          timer_armed_ = true;
          timer_.expires_after(r.timeout);
          timer_.async_wait([self = std::move(self), gen = gen_](const boost::system::error_code& ec) {
            if (ec || self->finished_ || !self->timer_armed_ || self->gen_ != gen) return;
            self->timer_armed_ = false;
            self->wake();
          });
        }
        break;
      case coflow::detail::turn::finished:
        finish();
        break;
    }
  }

  void finish() {
    finished_ = true;
    state_.finish();
    if (timer_armed_) {
      timer_armed_ = false;
      timer_.cancel();
    }
    body_.release();
    work_.reset();
  }

  Executor ex_;
  boost::asio::basic_waitable_timer<std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
                                    Executor>
      timer_;
  boost::asio::executor_work_guard<Executor> work_;
  coflow::detail::flow_body<S, C, R> body_;
  coflow::detail::wake_state state_;
  std::uint32_t gen_ = 0;
  bool timer_armed_ = false;
  bool running_ = false;
  bool cancel_requested_ = false;
  bool finished_ = false;
};

template <class S, class C, class R, class Executor>
deferred<R> start(const Executor& ex, S s, C c, bool errback_trapped) {
  deferred<R> d;
  auto t = std::make_shared<task<Executor, S, C, R>>(ex, std::move(s), std::move(c), d, errback_trapped);
  d.set_canceller([w = std::weak_ptr(t)](const deferred<R>&) {
    if (auto p = w.lock()) p->cancel();
  });
  task<Executor, S, C, R>::post_run(std::move(t));
  return d;
}

struct call_state {
  template <class Executor>
  call_state(const Executor& ex, std::function<void()> f) : timer{ex}, fn{std::move(f)} {}
  boost::asio::steady_timer timer;
  std::function<void()> fn;
  bool cancelled = false;
  bool fired = false;
};

}  // namespace detail

/// Runs `flow` on `ctx` (an io_context or an executor); see `coflow::scheduler::spawn`.
///
///     auto d = coflow::asio::spawn(ctx, coflow::from({1, 2, 3}));
template <class Ctx, class X>
auto spawn(Ctx&& ctx, X&& flow, spawn_options options = {}) {
  if constexpr (!coflow::detail::stage_like<X>) {
    static_assert(coflow::detail::always_false<X>, "coflow::asio::spawn: the flow is neither a stage nor a range");
    return coflow::detail::ill_formed{};
  } else {
    using S = coflow::detail::as_stage_t<X>;
    using spec = coflow::detail::collect_spec<S>;
    return detail::start<S, typename spec::consumer, typename spec::result>(
        detail::executor_of(ctx), coflow::detail::as_stage(std::forward<X>(flow)), spec::make(options),
        options.fire_on_one_errback);
  }
}

/// Runs `flow` into a sink on `ctx`; the deferred fires with the sink's result.
template <class Ctx, class X, class K>
  requires sink<K>
auto spawn(Ctx&& ctx, X&& flow, K&& k) {
  if constexpr (!coflow::detail::stage_like<X>) {
    static_assert(coflow::detail::always_false<X>, "coflow::asio::spawn: the flow is neither a stage nor a range");
    return coflow::detail::ill_formed{};
  } else {
    using S = coflow::detail::as_stage_t<X>;
    using spec = coflow::detail::sink_spec<S, K>;
    return detail::start<S, typename spec::consumer, typename spec::result>(
        detail::executor_of(ctx), coflow::detail::as_stage(std::forward<X>(flow)),
        std::forward<K>(k).template consumer<value_t<S>>(), false);
  }
}

/// Runs `flow` on `ctx` and completes `token` with `(std::exception_ptr, std::vector<T>)`:
/// a callback, `boost::asio::use_future` (a `std::future<std::vector<T>>` that rethrows the
/// failure), or any other completion token.
///
///     std::future<std::vector<int>> f = coflow::asio::async_run(ctx, flow, boost::asio::use_future);
template <class Ctx, class X, class Token>
auto async_run(Ctx&& ctx, X&& flow, Token&& token) {
  if constexpr (!coflow::detail::stage_like<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::async_run: the flow is neither a stage nor a range");
    return coflow::detail::ill_formed{};
  } else {
    using S = coflow::detail::as_stage_t<X>;
    using R = std::vector<stored_value_t<S>>;
    auto ex = detail::executor_of(ctx);
    return boost::asio::async_initiate<Token, void(std::exception_ptr, R)>(
        [ex](auto handler, auto&& s) {
          using H = decltype(handler);
          using work_t = boost::asio::executor_work_guard<boost::asio::associated_executor_t<H, decltype(ex)>>;
          deferred<R> d = asio::spawn(ex, S(std::move(s)));
          auto h = std::make_shared<H>(std::move(handler));
          auto work = std::make_shared<work_t>(boost::asio::get_associated_executor(*h, ex));
          d.both([h, work](const deferred<R>& r) {
            std::exception_ptr e = r.failed() ? r.error().exception() : nullptr;
            R v = r.succeeded() ? r.value() : R{};
            // The handler runs on its own executor, as Asio's rules ask.
            boost::asio::dispatch(work->get_executor(),
                                  [h, e, v = std::move(v)]() mutable { std::move(*h)(e, std::move(v)); });
            work->reset();
          });
        },
        token, S(coflow::detail::as_stage(std::forward<X>(flow))));
  }
}

/// A pending `call_later` on an io_context; `cancel()` it on the io_context's thread.
class timer_handle {
 public:
  timer_handle() = default;
  explicit timer_handle(std::weak_ptr<detail::call_state> s) noexcept : s_{std::move(s)} {}
  bool cancel() {
    auto s = s_.lock();
    if (!s || s->cancelled || s->fired) return false;
    s->cancelled = true;
    s->fn = nullptr;
    s->timer.cancel();
    return true;
  }
  [[nodiscard]] bool pending() const {
    auto s = s_.lock();
    return s && !s->cancelled && !s->fired;
  }

 private:
  std::weak_ptr<detail::call_state> s_;
};

/// Calls `fn()` on `ctx` after at least `d` (a `steady_timer`; with `d <= 0`, a `post`).
template <class Ctx, class F>
timer_handle call_later(Ctx&& ctx, cooperate::duration d, F fn) {
  auto ex = detail::executor_of(ctx);
  auto s = std::make_shared<detail::call_state>(ex, std::function<void()>(std::move(fn)));
  auto call = [s](const boost::system::error_code& ec) {
    if (ec || s->cancelled || s->fired) return;
    s->fired = true;
    std::function<void()> f = std::move(s->fn);
    f();
  };
  if (d <= cooperate::duration::zero()) {
    boost::asio::post(ex, [call] { call(boost::system::error_code{}); });
  } else {
    s->timer.expires_after(d);
    s->timer.async_wait(call);
  }
  return timer_handle{s};
}

/// Calls `fn()` on `ctx` as soon as it can; safe from any thread.
template <class Ctx, class F>
void call_from_thread(Ctx&& ctx, F fn) {
  boost::asio::post(detail::executor_of(ctx), std::move(fn));
}

}  // namespace coflow::asio
