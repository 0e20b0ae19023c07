// SPDX-License-Identifier: BSL-1.0
// coflow/drivers/asio.hpp - running flows on a boost::asio::io_context.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

// First: it also tells Boost.Asio, before any of its headers, how to build with libc++.
#include "coflow/drivers/asio_clock.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/circular_buffer.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/chrono.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/scheduling/deferred.hpp"
#include "coflow/scheduling/spawn.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/sources/from.hpp"

/// The Boost.Asio driver: the same flows and deferreds as `coflow::scheduler`, with Asio as
/// the event loop. The flows ready to run wait in a run queue per executor, which one posted
/// handler serves a round of turns at a time (so a `cooperate{0}` is a push on that queue,
/// not a `post`); `cooperate{d}` is a `steady_timer`, made on the flow's first sleep; a
/// wake-up from elsewhere is a `post` (so wakers may fire from any thread).
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
  if constexpr (requires { ctx.get_executor(); })
    return ctx.get_executor();
  else
    return ctx;
}

template <class Executor>
struct run_queue;

/// A spawned flow as the run queue sees it. It counts its own owners (`waker::target` is a
/// `detail::shared_block`): its wakers, a handler or timer on its way to it, and the waker
/// that keeps it during its turns. So a wake-up's waker is the task itself, and allocates
/// nothing.
template <class Executor>
class task_base : public waker::target {
 public:
  explicit task_base(run_queue<Executor>& q) noexcept : queue_{&q} {}
  /// One turn, with `turn_waker` set; true when the task queued itself for another (keeping it).
  virtual bool run() = 0;

  run_queue<Executor>* queue_;  // owned by the context's `run_queues` service
  // Set while the task is queued or running: the waker that keeps it alive and is the flow's
  // waker during its turns. A turn that queues the task again keeps it as is (a switch costs
  // no reference count and no move); one that parks, sleeps or finishes drops it, so a flow
  // nobody can wake any more is freed, not leaked.
  waker turn_waker;
};

/// The flows of one executor that are ready for a turn. A handler serving the queue gives
/// one turn to each flow queued when it starts (one round, at most `turns_per_post` turns),
/// then posts itself again if flows are left. So a `cooperate{0}` costs a push on this queue
/// instead of a `post`, and a handler posted by anyone else still waits for at most one round
/// of the ready flows, as it would behind a post per turn. (Each handler also costs Asio a
/// poll of its reactor, a system call: a round of many turns pays for it once.) Touched only
/// by handlers running on the executor, which the driver's rules make serial.
template <class Executor>
struct run_queue {
  // The most turns one handler gives: enough to spread the reactor poll of each handler over
  // many turns (docs/benchmarks.md), few enough that a handler posted by anyone else does not
  // wait behind an unbounded round.
  static constexpr int turns_per_post = 1024;
  // The queue whose handler is running on this thread, or null.
  static inline thread_local run_queue* current = nullptr;

  explicit run_queue(const Executor& e) : ex{e} {}
  // Queues `t`, whose `turn_waker` is set.
  void push(task_base<Executor>& t) {
    if (ready.full()) ready.set_capacity(2 * ready.capacity());
    ready.push_back(&t);
  }

  Executor ex;
  // A ring that grows, of plain pointers: a push and a pop are an index and a word each.
  boost::circular_buffer<task_base<Executor>*> ready{64};
  bool drain_posted = false;  // a `drain` handler is on its way
};

/// Owns the run queues of an execution context (one per executor value, e.g. per strand), so
/// flows still queued when the context is destroyed are dropped with it.
template <class Executor>
class run_queues final : public boost::asio::execution_context::service {
 public:
  static inline boost::asio::execution_context::id id;

  explicit run_queues(boost::asio::execution_context& ctx) : boost::asio::execution_context::service{ctx} {}

  /// The queue of `ex`; from any thread (spawn).
  run_queue<Executor>& of(const Executor& ex) {
    std::lock_guard lock{m_};
    for (auto& q : queues_)
      if (q->ex == ex) return *q;
    return *queues_.emplace_back(std::make_unique<run_queue<Executor>>(ex));
  }

 private:
  void shutdown() override {
    std::vector<waker> dropped;
    {
      std::lock_guard lock{m_};
      for (auto& q : queues_) {
        for (task_base<Executor>* t : q->ready) dropped.push_back(std::move(t->turn_waker));
        q->ready.clear();
      }
    }
    // `dropped` dies here, outside the lock: the flows' destructors errback their deferreds.
  }

  std::mutex m_;
  std::vector<std::unique_ptr<run_queue<Executor>>> queues_;
};

template <class Executor>
run_queue<Executor>& run_queue_of(const Executor& ex) {
  auto& ctx = boost::asio::query(ex, boost::asio::execution::context);
  return boost::asio::use_service<run_queues<Executor>>(ctx).of(ex);
}

template <class Executor>
void drain(run_queue<Executor>& q);

template <class Executor>
void post_drain(run_queue<Executor>& q) {
  q.drain_posted = true;
  boost::asio::post(q.ex, [&q] { drain(q); });
}

// Marks the queue whose handler runs on this thread, for `schedule`.
template <class Executor>
struct serving_scope {
  run_queue<Executor>* previous = run_queue<Executor>::current;
  explicit serving_scope(run_queue<Executor>* now) noexcept { run_queue<Executor>::current = now; }
  serving_scope(const serving_scope&) = delete;
  serving_scope& operator=(const serving_scope&) = delete;
  ~serving_scope() { run_queue<Executor>::current = previous; }
};

// After a handler served `q`: a handler for the flows left in it is on its way.
template <class Executor>
void after_serving(run_queue<Executor>& q) {
  if (!q.ready.empty() && !q.drain_posted) post_drain(q);
}

// Gives `t` (its `turn_waker` set) a turn; drops that waker unless `t` queued itself again.
template <class Executor>
void run_turn(task_base<Executor>& t) {
  bool queued;
  try {
    queued = t.run();
  } catch (...) {
    waker dropped = std::move(t.turn_waker);
    throw;
  }
  if (!queued) waker dropped = std::move(t.turn_waker);  // may free `t`
}

// How many turns ahead `drain` fetches a task: a turn takes about as long as a load from the
// last cache level (docs/benchmarks.md).
inline constexpr std::size_t prefetch_distance = 8;

template <class T>
void prefetch(const T* p) noexcept {
  __builtin_prefetch(p);
  __builtin_prefetch(reinterpret_cast<const char*>(p) + 64);
}

template <class Executor>
void drain(run_queue<Executor>& q) {
  q.drain_posted = false;  // this is the handler that was on its way
  try {
    serving_scope<Executor> scope{&q};
    // One round: the flows that a turn queues again wait behind those queued now.
    std::size_t turns = std::min<std::size_t>(q.ready.size(), run_queue<Executor>::turns_per_post);
    for (; turns > 0; --turns) {
      task_base<Executor>& t = *q.ready.front();
      q.ready.pop_front();
      // At scale a turn starts with a cache miss on its task: fetch one a few turns ahead.
      if (!q.ready.empty()) prefetch(q.ready[std::min(q.ready.size() - 1, prefetch_distance)]);
      run_turn(t);
    }
  } catch (...) {
    // A callback threw out of a turn: Asio hands the exception to `run()`'s caller, and the
    // flows still queued keep their turns.
    after_serving(q);
    throw;
  }
  after_serving(q);
}

/// Gives `t` a turn. Inside a handler serving its queue (a turn that makes `t` ready) that
/// queues it behind the flows already there; from anywhere else (another thread, a timer's
/// handler, before `run()`) it posts a handler that runs the turn, as a post per turn would,
/// and leaves `t` in the queue if it asks for another.
template <class Executor>
void schedule(task_base<Executor>& t, waker keep) {
  run_queue<Executor>& q = *t.queue_;
  if (run_queue<Executor>::current == &q) {
    t.turn_waker = std::move(keep);
    q.push(t);
    return;  // the handler serving the queue sees to its next round
  }
  boost::asio::post(q.ex, [t = &t, keep = std::move(keep)]() mutable {
    run_queue<Executor>& served = *t->queue_;
    try {
      serving_scope<Executor> scope{&served};
      t->turn_waker = std::move(keep);
      run_turn(*t);
    } catch (...) {
      after_serving(served);
      throw;
    }
    after_serving(served);
  });
}

template <class Executor, class S, class C, class R>
class task final : public task_base<Executor> {
 public:
  task(const Executor& ex, S s, C c, deferred<R> d, bool errback_trapped)
      : task_base<Executor>{run_queue_of(ex)},
        body_{std::move(s), std::move(c), std::move(d), errback_trapped},
        work_{boost::asio::make_work_guard(ex)} {}

  // A flow dropped by everyone (its io_context destroyed its handlers, or every waker of a
  // parked flow is gone) can never resume: its deferred errbacks with cancelled_error.
  ~task() override {
    if (!finished_) {
      body_.release();
      deferred<R> d = body_.result();
      if (!d.fired()) d.errback(failure::make(cancelled_error{}));
    }
  }

  void wake() noexcept override {
    if (state_.wake()) schedule(*this, coflow::detail::waker_access::make(this));
  }

  void cancel() {
    if (finished_) return;
    if (running_)
      cancel_requested_ = true;
    else
      finish();
  }

 private:
  // Runs in a handler serving `queue_` (`drain`, or the one `schedule` posts), so another turn
  // is a push on the queue.
  bool run() override {
    if (finished_) return false;
    ++gen_;
    disarm_timer();  // woken before the timer
    running_ = true;
    coflow::detail::turn r = body_.run(this->turn_waker.get());
    running_ = false;
    if (cancel_requested_) {
      finish();
      return false;
    }
    bool queued = false;
    coflow::detail::on_turn_end(
        r, state_,
        [&] {
          this->queue_->push(*this);
          queued = true;
        },
        [&](cooperate::duration d) { sleep_for(d); }, [&] { finish(); });
    return queued;
  }

  // A timer wakes the flow after `d`, unless a wake or another turn comes first (`gen_`).
  // The timer is made on the first sleep (on the queue's executor, which is the flow's).
  void sleep_for(cooperate::duration d) {
    if (!timer_) timer_ = std::make_unique<flow_timer<Executor>>(this->queue_->ex);
    timer_armed_ = true;
    timer_->arm(d, [self = coflow::detail::block_ptr<task>{this}, gen = gen_] {
      if (self->finished_ || !self->timer_armed_ || self->gen_ != gen) return;
      self->timer_armed_ = false;
      self->wake();
    });
  }

  void disarm_timer() {
    if (timer_armed_) {
      timer_armed_ = false;
      timer_->cancel();
    }
  }

  void finish() {
    finished_ = true;
    state_.finish();
    disarm_timer();
    body_.release();
    work_.reset();
  }

  // What every turn touches comes first, next to the vtable pointer (`drain` prefetches the
  // start of the next task); the timer, touched only by a sleep, comes last. Most flows never
  // sleep, so the timer is made on the first sleep: a `steady_timer` is about 100 bytes, and
  // the first one on a context starts its reactor, which Asio then polls (`epoll_wait`) each
  // time the handler queue runs dry.
  coflow::detail::wake_state state_;
  std::uint32_t gen_ = 0;
  bool timer_armed_ = false;
  bool running_ = false;
  bool cancel_requested_ = false;
  bool finished_ = false;
  coflow::detail::flow_body<S, C, R> body_;
  boost::asio::executor_work_guard<Executor> work_;
  // A steady_timer, or a virtual one (use_virtual_clock); null until the first sleep.
  std::unique_ptr<flow_timer<Executor>> timer_;
};

template <class S, class C, class R, class Executor>
deferred<R> start(const Executor& ex, S s, C c, bool errback_trapped) {
  using task_t = task<Executor, S, C, R>;
  deferred<R> d;
  coflow::detail::block_ptr<task_t> t{new task_t(ex, std::move(s), std::move(c), d, errback_trapped)};
  // The canceller's link holds no count: a parked flow whose wakers are all gone must be
  // destroyed (and errback) while its deferred lives on. The pointer stays valid for as long
  // as the canceller can be called: the task fires its deferred, which drops the canceller,
  // before its memory goes (a finished flow has fired it or is being cancelled through it; a
  // flow destroyed unfinished errbacks it in its destructor, while its count is zero).
  d.set_canceller([p = t.get()](const deferred<R>&) {
    if (!p->try_retain()) return;  // being destroyed: it errbacks the deferred itself
    coflow::detail::block_ptr<task_t> keep{p, false};
    keep->cancel();
  });
  task_t& flow = *t;
  schedule(flow, coflow::detail::waker_access::make(t.get()));
  return d;
}

struct call_state {
  template <class Executor>
  call_state(const Executor& ex, std::function<void()> f) : timer{ex}, fn{std::move(f)} {}
  flow_timer<boost::asio::any_io_executor> timer;
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
  if constexpr (coflow::detail::any_ill_formed<X>) {
    return coflow::detail::ill_formed{};  // the flow's own check has said why
  } else if constexpr (!coflow::detail::stage_like<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::spawn: the flow is neither a stage nor a range");
    return coflow::detail::ill_formed{};
  } else if constexpr (!coflow::detail::copyable_branch<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::spawn: a move-only stage was passed as an lvalue; std::move it in");
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
auto spawn(Ctx&& ctx, X&& flow, K&& k) {
  if constexpr (coflow::detail::any_ill_formed<X, K>) {
    return coflow::detail::ill_formed{};  // the flow's own check has said why
  } else if constexpr (!coflow::detail::stage_like<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::spawn: the flow is neither a stage nor a range");
    return coflow::detail::ill_formed{};
  } else if constexpr (!coflow::detail::copyable_branch<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::spawn: a move-only stage was passed as an lvalue; std::move it in");
    return coflow::detail::ill_formed{};
  } else if constexpr (coflow::detail::sink_without_base<K, value_t<coflow::detail::as_stage_t<X>>>) {
    static_assert(coflow::detail::always_false<K>,
                  "coflow::asio::spawn: the third argument (K) has consumer<T>() but is not a sink; a "
                  "sink derives from coflow::sink_base<K>");
    return coflow::detail::ill_formed{};
  } else if constexpr (!sink<K>) {
    static_assert(coflow::detail::always_false<K>,
                  "coflow::asio::spawn: the third argument (K) is neither a sink nor spawn_options; "
                  "to call a function with each value, pass coflow::for_each(f)");
    return coflow::detail::ill_formed{};
  } else if constexpr (!std::remove_cvref_t<K>::template accepts<value_t<coflow::detail::as_stage_t<X>>>()) {
    return coflow::detail::ill_formed{};  // the sink's static_assert has said why
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
  if constexpr (coflow::detail::any_ill_formed<X>) {
    return coflow::detail::ill_formed{};  // the flow's own check has said why
  } else if constexpr (!coflow::detail::stage_like<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::async_run: the flow is neither a stage nor a range");
    return coflow::detail::ill_formed{};
  } else if constexpr (!coflow::detail::copyable_branch<X>) {
    static_assert(coflow::detail::always_false<X>,
                  "coflow::asio::async_run: a move-only stage was passed as an lvalue; std::move it in");
    return coflow::detail::ill_formed{};
  } else {
    using S = coflow::detail::as_stage_t<X>;
    using R = std::vector<stored_value_t<S>>;
    auto ex = detail::executor_of(ctx);
    return boost::asio::async_initiate<Token, void(std::exception_ptr, R)>(
        [ex](auto handler, auto&& s) {
          using H = decltype(handler);
          using work_t =
              boost::asio::executor_work_guard<boost::asio::associated_executor_t<H, decltype(ex)>>;
          deferred<R> d = asio::spawn(ex, S(std::move(s)));
          auto h = std::make_shared<H>(std::move(handler));
          auto work = std::make_shared<work_t>(boost::asio::get_associated_executor(*h, ex));
          d.both([h, work](const deferred<R>& r) {
            std::exception_ptr e = r.failed() ? r.error().exception() : nullptr;
            R v = r.succeeded() ? r.value() : R{};
            // The handler runs on its own executor, as Asio's rules ask.
            boost::asio::dispatch(work->get_executor(),
                                  [h, e, v = std::move(v)]() mutable { std::move (*h)(e, std::move(v)); });
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

/// Calls `fn()` on `ctx` after at least `d` (a `steady_timer`, or a virtual one on a context
/// given `use_virtual_clock`; with `d <= 0`, a `post`).
template <class Ctx, class F>
timer_handle call_later(Ctx&& ctx, cooperate::duration d, F fn) {
  auto ex = detail::executor_of(ctx);
  auto s = std::make_shared<detail::call_state>(ex, std::function<void()>(std::move(fn)));
  auto call = [s] {
    if (s->cancelled || s->fired) return;
    s->fired = true;
    std::function<void()> f = std::move(s->fn);
    f();
  };
  if (d <= cooperate::duration::zero()) {
    boost::asio::post(ex, call);
  } else {
    s->timer.arm(d, call);
  }
  return timer_handle{s};
}

/// Calls `fn()` on `ctx` as soon as it can; safe from any thread.
template <class Ctx, class F>
void call_from_thread(Ctx&& ctx, F fn) {
  boost::asio::post(detail::executor_of(ctx), std::move(fn));
}

}  // namespace coflow::asio
