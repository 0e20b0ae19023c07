// SPDX-License-Identifier: BSL-1.0
// coflow/scheduling/scheduler.hpp - a single-threaded event loop running many flows.
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "coflow/core/clock.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/chrono.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/slab.hpp"
#include "coflow/scheduling/deferred.hpp"
#include "coflow/scheduling/spawn.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

class scheduler;

namespace detail {

class sched_core;

/// A flow (or a `call_later` entry) as the scheduler sees it. It is its own waker target:
/// `wake()` may come from any thread, at any time, any number of times. Its block is a slot of
/// the core's slab, shared through the count in the block by the scheduler's list (until the
/// task finishes and no queue points to it), by the timers, and by the wakers and deferreds
/// handed out.
class sched_task : public waker::target {
 public:
  explicit sched_task(sched_core* c, bool call) noexcept : core{c}, is_call{call} {}

  virtual turn resume() { return {turn::finished}; }
  /// Destroys the flow (runs its destructors); the deferred is left alone.
  virtual void release_flow() noexcept {}
  /// Errbacks the flow's deferred with `cancelled_error` (when the scheduler dies first).
  virtual void errback_cancelled() {}

  void wake() noexcept override;
  bool start_beside(std::unique_ptr<side_flow>& f) override;
  /// On the loop's thread, when a wake queues it: a pending timer sleep is over.
  void disarm() noexcept;

  // (Ordered so that the 4-byte members fill the words after the count: the block is 48 bytes.)
  wake_state state;
  sched_core* core;               // alive while any block of its slab is
  std::uint32_t gen = 0;          // bumped at every timer sleep: tells stale entries apart
  bool is_call;                   // a `call_later` entry, not a flow
  bool timer_armed = false;       // a live timer entry refers to this task
  bool cancel_requested = false;  // cancelled from inside its own turn
  bool finished = false;
  sched_task *prev = nullptr, *next = nullptr;  // the scheduler's list of its tasks

 protected:
  // The last owner let go: the slot goes back to the slab (from any thread).
  template <class Self>
  static void free_slot(Self* self) noexcept;
};

/// The part of the scheduler other threads touch: the inbox of calls and wake-ups; and the
/// slab its tasks' blocks come from. The scheduler and every block hold a count on it (a waker
/// or a deferred may keep a block, and so the core, alive after the scheduler is gone).
class sched_core {
 public:
  explicit sched_core(scheduler* s) noexcept : owner{s} {}

  void* allocate_block(std::size_t bytes, std::size_t align) {
    void* p =
        align <= slab::granule ? blocks.allocate(bytes) : ::operator new(bytes, std::align_val_t{align});
    refs.fetch_add(1, std::memory_order_relaxed);
    return p;
  }
  void free_block(void* p, std::size_t bytes, std::size_t align) noexcept {
    if (align <= slab::granule)
      blocks.deallocate(p, bytes);
    else
      ::operator delete(p, std::align_val_t{align});
    release();
  }
  /// Drops one count (the scheduler's or a block's); the last frees the core and its slab.
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  void post_call(std::function<void()> f) {
    std::lock_guard lock{m};
    if (closed) return;
    calls.push_back(std::move(f));
    signal();
  }
  // The task is held (the list's count) until the loop drops it from the inbox, or the scheduler
  // closes first (and drops its tasks).
  void post_woken(sched_task* t) {
    std::lock_guard lock{m};
    if (closed) return;
    woken.push_back(t);
    signal();
  }

  std::mutex m;
  std::condition_variable cv;
  std::vector<std::function<void()>> calls;
  std::vector<sched_task*> woken;
  std::atomic<bool> attention{false};  // the inbox is not empty: checked without the lock
  bool sleeping = false;               // the loop waits on `cv`
  bool closed = false;
  scheduler* const owner;
  std::atomic<std::size_t> refs{1};  // the scheduler's, and one per block
  slab blocks;

 private:
  void signal() {
    attention.store(true, std::memory_order_release);
    if (sleeping) cv.notify_one();
  }
};

/// The core whose scheduler runs on this thread (wake-ups from it skip the inbox).
inline thread_local sched_core* running_core = nullptr;

/// Marks the core whose loop runs on this thread, for as long as the loop runs.
class running_scope {
 public:
  explicit running_scope(sched_core* c) noexcept : previous_{running_core} { running_core = c; }
  running_scope(const running_scope&) = delete;
  running_scope& operator=(const running_scope&) = delete;
  ~running_scope() { running_core = previous_; }

 private:
  sched_core* previous_;
};

/// A side flow (see `waker::target::start_beside`) as a stage the scheduler runs.
struct side_stage : stage_base<> {
  using value_type = std::monostate;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "side flow";
  std::unique_ptr<side_flow> f;
  step<value_type> next() { return f->next(); }
};

/// A task of type `T` in a slot of `c`'s slab.
template <class T, class... A>
T* make_task(sched_core* c, A&&... args) {
  void* p = c->allocate_block(sizeof(T), alignof(T));
  try {
    return ::new (p) T(c, std::forward<A>(args)...);
  } catch (...) {
    c->free_block(p, sizeof(T), alignof(T));
    throw;
  }
}

template <class Self>
void sched_task::free_slot(Self* self) noexcept {
  sched_core* c = self->core;
  self->~Self();
  c->free_block(self, sizeof(Self), alignof(Self));
}

class call_task final : public sched_task {
 public:
  call_task(sched_core* c, std::function<void()> f) : sched_task{c, true}, fn{std::move(f)} {}
  turn resume() override;  // a due call in the run queue: calls fn
  std::function<void()> fn;
  scheduler* owner = nullptr;
  bool cancelled = false;
  bool fired = false;

 private:
  void destroy() noexcept override { free_slot(this); }
};

/// A spawned flow's deferred state, kept inside the flow's own slot: the deferreds handed out
/// share the slot's count, so they may outlive the flow and the scheduler.
template <class R>
struct inline_deferred : deferred_state<R> {
  explicit inline_deferred(sched_task* task) noexcept : deferred_state<R>{task} {}
  [[nodiscard]] deferred<R> get() const {
    return deferred_access::make(const_cast<deferred_state<R>*>(static_cast<const deferred_state<R>*>(this)));
  }
};

/// A spawned flow in one slot: the task, the stage and consumer, the deferred's state.
template <class S, class C, class R>
class flow_task final : public sched_task {
 public:
  flow_task(sched_core* c, S s, C cons, bool errback_trapped)
      : sched_task{c, false}, body{std::move(s), std::move(cons), this, errback_trapped} {}

  turn resume() override { return body.run(this); }
  void release_flow() noexcept override { body.release(); }
  void errback_cancelled() override {
    deferred<R> d = body.result();
    if (!d.fired()) d.errback(failure::make(cancelled_error{}));
  }
  // `d.cancel()` before the deferred fired: the flow is still allocated, and the scheduler
  // alive (its destructor fires every deferred it did not).
  void deferred_cancelled() override;

  flow_body<S, C, R, inline_deferred<R>> body;

 private:
  void destroy() noexcept override { free_slot(this); }
};

}  // namespace detail

/// A pending `call_later`: `cancel()` it on the scheduler's thread.
class timer_handle {
 public:
  timer_handle() = default;
  explicit timer_handle(detail::block_ptr<detail::call_task> t) noexcept : t_{std::move(t)} {}

  /// Stops the call from happening; false if it already ran or was cancelled.
  bool cancel();
  /// True until it ran or was cancelled.
  [[nodiscard]] bool pending() const { return t_ && !t_->cancelled && !t_->fired; }

 private:
  detail::block_ptr<detail::call_task> t_;  // (the scheduler's destructor cancels it)
};

/// A single-threaded event loop (Twisted's reactor) running many flows as state machines.
///
///     coflow::scheduler sched;
///     coflow::deferred<std::vector<int>> d = sched.spawn(coflow::from({1, 2, 3}) | coflow::map(f));
///     d.then([](const std::vector<int>& v) { ... });
///     sched.run();
///
/// - A flow is pulled in turns, round-robin. A turn ends at the first cooperate (or after
///   `values_per_turn` values): `cooperate{0}` sends it to the back of the run queue,
///   `cooperate{d}` puts it to sleep on a timer for at least `d`, `cooperate::park()` parks
///   it until its waker fires (a parked flow costs nothing; a waker that fires during the
///   turn that parks is not lost). A wake-up also ends a timer sleep early.
/// - `run()` returns when nothing is left: no runnable flow, no live timer, no pending call
///   from another thread, and no unfinished flow. A parked flow counts as unfinished, so
///   `run()` waits (blocked in the OS, no polling) for the wake-up that will resume it; use
///   `run_until(d)` or `stop()` to return earlier.
/// - Thread rules: everything except `call_from_thread`, `stop` and wakers runs on the thread
///   that calls `run()`, as do the callbacks of the deferreds it fires.
class scheduler {
 public:
  using clock = std::chrono::steady_clock;

  scheduler() : core_{new detail::sched_core(this)} {}
  /// A scheduler on virtual time: its timers (`call_later`, `cooperate{d}`) and the stages'
  /// `coflow::now()` read `vclock`, and `run()` returns when nothing can run until the time
  /// moves (or an event arrives): `advance(d)` moves it and runs what falls due.
  explicit scheduler(virtual_clock& vclock) : scheduler() { vclock_ = &vclock; }
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  /// Destroys the unfinished flows (running their destructors); their deferreds errback with
  /// `cancelled_error`.
  ~scheduler() {
    std::vector<std::function<void()>> calls;
    {
      std::lock_guard lock{core_->m};
      core_->closed = true;
      core_->woken.clear();  // its tasks are in the list
      calls.swap(core_->calls);
    }
    std::vector<detail::block_ptr<detail::sched_task>> tasks;  // the unfinished flows
    while (first_) {
      detail::sched_task& t = *first_;
      if (t.is_call) forget_call(static_cast<detail::call_task&>(t));
      if (!t.finished && !t.is_call) tasks.emplace_back(&t);
      unregister(t);  // may free it
    }
    for (timer_entry& e : timers_)
      if (e.task->is_call) forget_call(static_cast<detail::call_task&>(*e.task));
    for (auto& t : tasks) {
      t->finished = true;
      t->state.finish();
      t->release_flow();
    }
    for (auto& t : tasks) t->errback_cancelled();
    tasks.clear();
    timers_.clear();
    core_->release();
  }

  /// Runs `flow` on this scheduler; its deferred fires with its values (see `spawn_options`).
  /// `cancel()` on the deferred destroys the flow and errbacks with `cancelled_error`.
  ///
  ///     auto d = sched.spawn(flow, {.fire_on_one_callback = true});
  template <class X>
  auto spawn(X&& flow, spawn_options options = {}) {
    if constexpr (detail::any_ill_formed<X>) {
      return detail::ill_formed{};  // the flow's own check has said why
    } else if constexpr (!detail::stage_like<X>) {
      static_assert(detail::always_false<X>,
                    "coflow::scheduler::spawn: the flow is neither a stage nor a range");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<X>) {
      static_assert(detail::always_false<X>,
                    "coflow::scheduler::spawn: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      using S = detail::as_stage_t<X>;
      using spec = detail::collect_spec<S>;
      return start<S, typename spec::consumer, typename spec::result>(
          detail::as_stage(std::forward<X>(flow)), spec::make(options), options.fire_on_one_errback);
    }
  }

  /// Runs `flow` into a sink (`coflow::fold(...)`, `coflow::to_vector()`, ...): the deferred
  /// fires with the sink's result.
  ///
  ///     coflow::deferred<int> sum = sched.spawn(coflow::iota(1, 11), coflow::fold(0, std::plus<>{}));
  template <class X, class K>
  auto spawn(X&& flow, K&& k) {
    if constexpr (detail::any_ill_formed<X, K>) {
      return detail::ill_formed{};  // the flow's own check has said why
    } else if constexpr (!detail::stage_like<X>) {
      static_assert(detail::always_false<X>,
                    "coflow::scheduler::spawn: the flow is neither a stage nor a range");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<X>) {
      static_assert(detail::always_false<X>,
                    "coflow::scheduler::spawn: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else if constexpr (detail::sink_without_base<K, value_t<detail::as_stage_t<X>>>) {
      static_assert(detail::always_false<K>,
                    "coflow::scheduler::spawn: the second argument (K) has consumer<T>() but is not a "
                    "sink; a sink derives from coflow::sink_base<K>");
      return detail::ill_formed{};
    } else if constexpr (!sink<K>) {
      static_assert(detail::always_false<K>,
                    "coflow::scheduler::spawn: the second argument (K) is neither a sink nor "
                    "spawn_options; to call a function with each value, pass coflow::for_each(f)");
      return detail::ill_formed{};
    } else if constexpr (!std::remove_cvref_t<K>::template accepts<value_t<detail::as_stage_t<X>>>()) {
      return detail::ill_formed{};  // the sink's static_assert has said why
    } else {
      using S = detail::as_stage_t<X>;
      using spec = detail::sink_spec<S, K>;
      return start<S, typename spec::consumer, typename spec::result>(
          detail::as_stage(std::forward<X>(flow)), std::forward<K>(k).template consumer<value_t<S>>(), false);
    }
  }

  /// Calls `fn()` on the scheduler's thread after at least `d`; cancellable through the handle.
  /// With `d <= 0` the call joins the run queue behind the flows already there (Twisted's
  /// `callLater(0, ...)`: it runs before a flow that cooperates after this call is made).
  template <class F>
  timer_handle call_later(cooperate::duration d, F fn) {
    detail::block_ptr<detail::call_task> t{
        detail::make_task<detail::call_task>(core_, std::function<void()>(std::move(fn)))};
    t->owner = this;
    ++live_timers_;
    if (d <= cooperate::duration::zero()) {
      enroll(*t);
      push_ready(t.get());
    } else {
      push_timer(now() + d, t, 0);
    }
    return timer_handle{std::move(t)};
  }

  /// Calls `fn()` on the scheduler's thread as soon as it can; safe from any thread, and wakes
  /// a sleeping loop at once.
  template <class F>
  void call_from_thread(F fn) {
    core_->post_call(std::function<void()>(std::move(fn)));
  }

  /// Runs until nothing is left (see the class comment) or `stop()`.
  void run() { loop(); }

  /// Runs until `d` fires; true if it did, false if the loop ran out of work or was stopped.
  template <class T>
  bool run_until(deferred<T> d) {
    if (d.fired()) return true;
    auto flag = std::make_shared<until_flag>();
    flag->s = this;
    d.both([flag] {
      flag->fired = true;
      if (flag->s) flag->s->stop_ = flag->s->interrupt_ = true;
    });
    loop();
    flag->s = nullptr;
    return flag->fired;
  }

  /// Makes `run()` return after the current turn; safe from any thread. Flows stay.
  void stop() {
    if (detail::running_core == core_)
      stop_ = interrupt_ = true;
    else
      core_->post_call([this] { stop_ = interrupt_ = true; });
  }

  /// On virtual time only: moves the clock forward by `d`, stopping at each timer that falls
  /// due on the way to run what it starts until idle, so every timer fires at its own instant.
  void advance(cooperate::duration d) {
    assert(vclock_ && "coflow::scheduler::advance: the scheduler was not made with a virtual_clock");
    const auto until = vclock_->now() + d;
    run();
    while (!timers_.empty() && timers_.front().when <= until) {
      vclock_->advance(timers_.front().when - vclock_->now());
      run();
    }
    vclock_->advance(until - vclock_->now());
    run();
  }

  /// A replayable schedule: from now on, the order of the ready flows in each round and the
  /// turns at which wake-ups and calls from other threads are taken in are drawn from `seed`.
  /// A test runs a scenario under many seeds to expose ordering bugs; a failure names its
  /// seed, and the same seed replays the same schedule (for the same events from threads).
  void replay_seed(std::uint64_t seed) {
    replay_ = std::make_unique<replay_state>(replay_state{seed, std::mt19937_64{seed}});
  }
  /// The seed of a replayable schedule, if it is one.
  [[nodiscard]] std::optional<std::uint64_t> seed() const noexcept {
    return replay_ ? std::optional<std::uint64_t>{replay_->seed} : std::nullopt;
  }

  /// Flows spawned and not finished (running, queued, sleeping or parked).
  [[nodiscard]] std::size_t flows() const noexcept { return live_flows_; }

 private:
  friend class timer_handle;
  friend class detail::sched_task;
  friend class detail::call_task;
  template <class S, class C, class R>
  friend class detail::flow_task;

  struct until_flag {
    scheduler* s = nullptr;
    bool fired = false;
  };
  struct timer_entry {
    clock::time_point when;
    std::uint64_t seq;
    detail::block_ptr<detail::sched_task> task;
    std::uint32_t gen;
  };
  // A min-heap on (deadline, insertion order): timers due together fire in the order set.
  static bool later(const timer_entry& a, const timer_entry& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  // Turns between checks of the clock and the inbox: a due timer or a call from another thread
  // waits for at most this many turns, and the hot path reads neither on most turns.
  static constexpr std::size_t poll_interval = 64;
  // The fewest slots of a run-queue array: a scheduler of a few flows allocates once. Beyond
  // that the arrays take twice the number of tasks, so growing them is amortized.
  static constexpr std::size_t min_queue_slots = 16;

  // One slot of the slab per flow (task, stage, consumer and deferred state); the deferred
  // shares it.
  template <class S, class C, class R>
  deferred<R> start(S s, C c, bool errback_trapped) {
    auto* t =
        detail::make_task<detail::flow_task<S, C, R>>(core_, std::move(s), std::move(c), errback_trapped);
    deferred<R> d = t->body.result();
    enroll(*t);
    ++live_flows_;
    push_ready(t);
    return d;
  }

  // A call the scheduler dies before: its handle says it is neither pending nor cancellable.
  static void forget_call(detail::call_task& c) noexcept {
    c.cancelled = true;
    c.owner = nullptr;
    c.fn = nullptr;
  }

  void cancel_task(detail::sched_task& t) {
    if (t.finished) return;
    if (&t == current_)
      t.cancel_requested = interrupt_ = true;
    else
      finish_task(t);
  }

  // May free `t` (unless the caller holds it): the list's count is its last one.
  void finish_task(detail::sched_task& t) {
    t.finished = true;
    if (t.timer_armed) {
      t.timer_armed = false;
      --live_timers_;
    }
    if (!t.is_call) --live_flows_;
    // Queued (owned, not running) means the run queue or the inbox still points at it: those
    // unregister it when they drop it.
    const bool queued = !t.state.is_idle() && &t != current_;
    t.state.finish();
    t.release_flow();
    if (!queued) unregister(t);
  }

  // Takes `t` out of the list and drops the list's count (which may free it).
  void unregister(detail::sched_task& t) noexcept {
    unlink(t);
    intrusive_ptr_release(&t);
  }
  void unlink(detail::sched_task& t) noexcept {
    (t.prev ? t.prev->next : first_) = t.next;
    (t.next ? t.next->prev : last_) = t.prev;
    t.prev = t.next = nullptr;
    --registered_;
  }

  // The run queue is two arrays of plain pointers (the list holds a count on each task; a
  // task finished while queued stays registered until the queue drops it): the round being run,
  // `round_[pos_, end_)`, and the tasks queued behind it, `next_[0, queued_)`; the loop swaps
  // them when the round is over. Its order is the one of a single FIFO. A task is queued at
  // most once and only while registered, so `next_` holding as many slots as the list
  // has tasks means a push never checks for room.
  void enroll(detail::sched_task& t) {
    intrusive_ptr_add_ref(&t);
    t.prev = last_;
    (last_ ? last_->next : first_) = &t;
    last_ = &t;
    if (++registered_ > next_cap_) [[unlikely]]
      grow_next();
  }
  void push_ready(detail::sched_task* t) noexcept {
    assert(queued_ < next_cap_);
    next_[queued_++] = t;
  }
  std::size_t queue_slots() const noexcept { return std::max(min_queue_slots, 2 * registered_); }
  [[gnu::noinline]] void grow_next() {
    const std::size_t cap = queue_slots();
    std::unique_ptr<detail::sched_task*[]> bigger{new detail::sched_task*[cap]};
    std::copy_n(next_.get(), queued_, bigger.get());
    next_ = std::move(bigger);
    next_cap_ = cap;
  }
  // The current round is over: the queued tasks become the next one. Returns its length.
  std::size_t next_round() {
    std::swap(round_, next_);
    std::swap(round_cap_, next_cap_);
    pos_ = 0;
    end_ = queued_;
    queued_ = 0;
    if (replay_) [[unlikely]]
      std::shuffle(round_.get(), round_.get() + end_, replay_->rng);
    if (next_cap_ < registered_) {
      const std::size_t cap = queue_slots();
      next_.reset(new detail::sched_task*[cap]);
      next_cap_ = cap;
    }
    return end_;
  }

  void push_timer(clock::time_point when, detail::block_ptr<detail::sched_task> t, std::uint32_t gen) {
    timers_.push_back({when, seq_++, std::move(t), gen});
    std::push_heap(timers_.begin(), timers_.end(), later);
  }

  void fire_timers(clock::time_point now) {
    while (!timers_.empty() && timers_.front().when <= now) {
      std::pop_heap(timers_.begin(), timers_.end(), later);
      timer_entry e = std::move(timers_.back());
      timers_.pop_back();
      detail::sched_task& t = *e.task;
      if (t.is_call) {
        auto& c = static_cast<detail::call_task&>(t);
        if (c.cancelled || c.fired) continue;
        c.fired = true;
        --live_timers_;
        std::function<void()> f = std::move(c.fn);
        f();
      } else if (!t.finished && t.timer_armed && t.gen == e.gen) {
        t.timer_armed = false;
        --live_timers_;
        t.wake();
      }
    }
    if (live_timers_ == 0) timers_.clear();  // only stale entries are left
  }

  void poll_inbox_and_timers() {
    if (core_->attention.load(std::memory_order_acquire)) drain_inbox();
    if (!timers_.empty()) fire_timers(now());
  }

  void drain_inbox() {
    std::vector<std::function<void()>> calls;
    std::vector<detail::sched_task*> woken;
    {
      std::lock_guard lock{core_->m};
      calls.swap(core_->calls);
      woken.swap(core_->woken);
      core_->attention.store(false, std::memory_order_relaxed);
    }
    for (detail::sched_task* t : woken) {
      if (!t->finished) {
        t->disarm();
        push_ready(t);
      } else {
        unregister(*t);
      }
    }
    for (auto& f : calls) f();
  }

  // With nothing runnable: fires due timers, takes the inbox, or blocks in the OS until the
  // next deadline or a post from another thread. False when no work is left at all.
  bool wait_for_work() {
    for (;;) {
      if (!timers_.empty()) fire_timers(now());
      if (core_->attention.load(std::memory_order_acquire)) drain_inbox();
      if (queued_ > 0 || stop_) return true;
      std::unique_lock lock{core_->m};
      if (!core_->calls.empty() || !core_->woken.empty()) continue;
      if (live_flows_ == 0 && live_timers_ == 0) return false;
      if (vclock_) return false;  // idle on virtual time: the test moves the clock (advance)
      core_->sleeping = true;
      if (live_timers_ > 0 && !timers_.empty())
        core_->cv.wait_until(lock, timers_.front().when);
      else
        core_->cv.wait(lock);
      core_->sleeping = false;
    }
  }

  // The hot path: a turn that ends with `cooperate{0}` reads the queue from registers (the
  // round) and appends to `next_`; the inbox and the clock are looked at every
  // `poll_interval` turns, between batches of turns that need no countdown of their own.
  void loop() {
    detail::running_scope scope{core_};
    detail::clock_scope virtual_time{vclock_};
    current_ = nullptr;  // in case a callback threw out of the previous run
    std::size_t pos = pos_, end = end_;
    try {
      std::size_t countdown = turns_to_poll();
      while (!stop_) {
        current_ = nullptr;  // between turns: a cancel finishes its task at once
        if (pos == end) [[unlikely]] {
          if (queued_ == 0 && !wait_for_work()) break;
          if (queued_ > 0) {
            pos = 0;
            end = next_round();
          }
          continue;
        }
        if (countdown == 0) [[unlikely]] {
          countdown = turns_to_poll();
          poll_inbox_and_timers();
          continue;
        }
        const std::size_t first = pos;
        run_batch(pos, pos + std::min(countdown, end - pos));
        countdown -= pos - first;
      }
    } catch (...) {
      pos_ = pos;
      end_ = end;
      throw;
    }
    pos_ = pos;
    end_ = end;
    current_ = nullptr;
    stop_ = interrupt_ = false;
  }

  // The turns of `round_[pos, last)`, or fewer when one of them stops the loop; `pos` follows
  // them (it is the loop's own, kept in a register: hence always inlined).
  [[gnu::always_inline]] void run_batch(std::size_t& pos, std::size_t last) {
    detail::sched_task* const* const round = round_.get();  // stays put during the round
    do {
      detail::sched_task* t = round[pos++];
      if (t->finished) [[unlikely]] {
        unregister(*t);
        continue;
      }
      current_ = t;  // until the end of the turn: finish_task then knows t is not queued
      detail::turn r = t->resume();
      // `again` is 0: one test for both (clang otherwise tests them apart).
      if ((static_cast<std::uint32_t>(r.kind) | static_cast<std::uint32_t>(interrupt_)) == 0) [[likely]] {
        push_ready(t);
        continue;
      }
      interrupt_ = false;
      end_turn(*t, r);
      if (stop_) break;  // only a turn sets it during a batch
    } while (pos != last);
  }

  // A turn that did not end with `cooperate{0}`.
  [[gnu::noinline]] void end_turn(detail::sched_task& t, detail::turn r) {
    if (t.cancel_requested) r.kind = detail::turn::finished;
    detail::on_turn_end(
        r, t.state, [&] { push_ready(&t); }, [&](cooperate::duration d) { sleep_on_timer(t, d); },
        [&] {
          finish_task(t);
          current_ = nullptr;
        });
  }

  // Turns until the inbox and the timers are looked at again: drawn from the seed in a
  // replayable schedule, so that wake-ups from other threads are seen at varied turns.
  std::size_t turns_to_poll() {
    if (!replay_) [[likely]]
      return poll_interval;
    return std::uniform_int_distribution<std::size_t>{1, poll_interval}(replay_->rng);
  }

  [[nodiscard]] clock::time_point now() const noexcept { return vclock_ ? vclock_->now() : clock::now(); }

  void sleep_on_timer(detail::sched_task& t, cooperate::duration d) {
    t.timer_armed = true;
    ++t.gen;
    ++live_timers_;
    push_timer(now() + d, detail::block_ptr<detail::sched_task>{&t}, t.gen);
  }

  detail::sched_core* core_;  // holds a count on it
  std::unique_ptr<detail::sched_task*[]> round_, next_;
  std::size_t round_cap_ = 0, next_cap_ = 0;
  std::size_t pos_ = 0, end_ = 0, queued_ = 0;
  std::vector<timer_entry> timers_;
  std::uint64_t seq_ = 0;
  std::size_t live_timers_ = 0;  // call_later entries pending + flows asleep on a timer
  detail::sched_task *first_ = nullptr, *last_ = nullptr;  // its tasks (the list holds a count on each)
  std::size_t registered_ = 0;                             // in that list
  std::size_t live_flows_ = 0;                             // unfinished ones
  detail::sched_task* current_ = nullptr;                  // the task whose turn it is
  bool stop_ = false;
  bool interrupt_ = false;           // `stop_` or `cancel_requested` was set: a turn takes the slow path
  virtual_clock* vclock_ = nullptr;  // virtual time, when made with a clock
  struct replay_state {
    std::uint64_t seed;
    std::mt19937_64 rng;
  };
  std::unique_ptr<replay_state> replay_;  // a replayable schedule, when seeded
};

inline void detail::sched_task::wake() noexcept {
  if (!state.wake()) return;
  if (running_core == core) {  // on the loop's thread
    disarm();
    core->owner->push_ready(this);  // the list's count holds it
  } else {
    core->post_woken(this);
  }
}

inline bool detail::sched_task::start_beside(std::unique_ptr<side_flow>& f) {
  core->owner->spawn(side_stage{{}, std::move(f)});
  return true;
}

inline void detail::sched_task::disarm() noexcept {
  if (timer_armed) {  // woken before its timer: the heap entry is now stale
    timer_armed = false;
    --core->owner->live_timers_;
  }
}

template <class S, class C, class R>
void detail::flow_task<S, C, R>::deferred_cancelled() {
  core->owner->cancel_task(*this);
}

inline detail::turn detail::call_task::resume() {
  if (!cancelled && !fired) {
    fired = true;
    --owner->live_timers_;
    std::function<void()> f = std::move(fn);
    f();
  }
  return {turn::finished};
}

inline bool timer_handle::cancel() {
  if (!pending()) return false;
  t_->cancelled = true;
  t_->fn = nullptr;
  if (t_->owner) --t_->owner->live_timers_;
  return true;
}

}  // namespace coflow
