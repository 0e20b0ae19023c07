// SPDX-License-Identifier: BSL-1.0
// coflow/scheduling/spawn.hpp - what every driver does with a spawned flow: pull it in turns,
// feed its values to a consumer, and fire a deferred with the result.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/scheduling/deferred.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// How `spawn` turns a flow's values into its deferred (Twisted's DeferredList flags).
/// - neither flag: the deferred fires with every value (a `std::vector`) when the flow ends;
///   an untrapped failure ends the flow and errbacks the deferred with it (original type).
/// - `fire_on_one_callback`: the deferred fires at the first value, with a vector holding
///   just that value, and the flow is destroyed.
/// - `fire_on_one_errback`: a failure *trapped* into a value (`src | trap<E>()` gives
///   `std::variant<T, failure>`) errbacks the deferred at once, and the flow is destroyed;
///   without the flag such values are collected like the others.
struct spawn_options {
  bool fire_on_one_callback = false;
  bool fire_on_one_errback = false;
};

namespace detail {

/// What one turn of a flow ended with. (The kind is a 32-bit word: with a byte, g++ 12 merges
/// it into a register that a generator's turn must then save and restore.)
struct turn {
  enum kind_t : std::uint32_t { again, sleep, park, finished };
  kind_t kind;
  cooperate::duration timeout{};
};

/// The wake state of a spawned flow, shared by the drivers. `owned`: queued or running (the
/// driver owns it; a wake only leaves `notified`); `idle`: parked or sleeping on a timer (the
/// first wake takes it to `owned` and enqueues it). The driver's hot path (`cooperate{0}`)
/// never touches the atomic; parking is one compare-exchange.
class wake_state {
 public:
  static constexpr std::uint32_t owned = 0, idle = 1, notified = 2, finished = 4;

  /// From any thread: true when the caller must enqueue the flow.
  bool wake() noexcept {
    std::uint32_t prev = s_.fetch_or(notified, std::memory_order_acq_rel);
    if (prev != idle) return false;
    // Reading the latest value (acq_rel) makes what other wakers published visible too.
    s_.exchange(owned, std::memory_order_acq_rel);
    return true;
  }
  /// Driver thread, after a turn that parks or sleeps: false when a wake arrived meanwhile
  /// (the flow must run again).
  bool try_idle() noexcept {
    std::uint32_t expected = owned;
    if (s_.compare_exchange_strong(expected, idle, std::memory_order_acq_rel)) return true;
    s_.exchange(owned, std::memory_order_acq_rel);
    return false;
  }
  void finish() noexcept { s_.store(finished, std::memory_order_release); }
  [[nodiscard]] bool is_idle() const noexcept { return s_.load(std::memory_order_acquire) == idle; }

 private:
  std::atomic<std::uint32_t> s_{owned};
};

/// What every driver does at the end of a turn, through its own actions: `again()` queues the
/// flow for another turn, `sleep(d)` arms a timer that wakes it after `d`, `finish()` ends it.
/// A flow that parks or sleeps becomes idle first; a wake that came during the turn makes it
/// run again instead. Always inlined: a driver reaches it at the end of its turns.
template <class Again, class Sleep, class Finish>
[[gnu::always_inline]] inline void on_turn_end(turn r, wake_state& state, Again&& again, Sleep&& sleep,
                                               Finish&& finish) {
  switch (r.kind) {
    case turn::again: again(); break;
    case turn::park:
      if (!state.try_idle()) again();
      break;
    case turn::sleep:
      if (state.try_idle())
        sleep(r.timeout);
      else
        again();
      break;
    case turn::finished: finish(); break;
  }
}

template <class D>
inline constexpr bool may_hold_failure_v = std::is_same_v<D, failure>;
template <class... A>
inline constexpr bool may_hold_failure_v<std::variant<A...>> = (std::is_same_v<A, failure> || ...);

/// A failure trapped into a value (`std::variant<..., failure>`), or null.
template <class V>
const failure* trapped_failure(const V& v) noexcept {
  using D = std::remove_cvref_t<V>;
  if constexpr (std::is_same_v<D, failure>)
    return &v;
  else if constexpr (may_hold_failure_v<D>)
    return std::get_if<failure>(&v);
  else
    return nullptr;
}

/// The consumer behind `spawn(flow, options)`: every value, or the first one.
template <class T>
struct collector {
  std::vector<T> out;
  bool first_only = false;
  template <class U>
  bool push(U&& v) {
    out.emplace_back(std::forward<U>(v));
    return !first_only;
  }
  std::vector<T> result() && { return std::move(out); }
};

/// A spawned flow without its driver: the stage, the consumer and the deferred's state. `Res`
/// is where that state lives: a `deferred<R>` (its own allocation), or a driver's type that
/// keeps it inline and gives a `deferred<R>` over it from `get()`.
template <class S, class C, class R, class Res = deferred<R>>
class flow_body {
 public:
  /// Values pulled in one turn before the flow goes to the back of the queue, so a flow that
  /// never cooperates cannot starve the others.
  static constexpr int values_per_turn = 64;

  /// `result`: the deferred, or what the driver's type is made from (it is made in place).
  template <class ResultArg>
  flow_body(S s, C c, ResultArg&& result, bool errback_trapped)
      : parts_{std::move(s), std::move(c)},
        errback_trapped_{errback_trapped},
        result_{std::forward<ResultArg>(result)} {}

  [[nodiscard]] deferred<R> result() const noexcept {
    if constexpr (std::is_same_v<Res, deferred<R>>)
      return result_;
    else
      return result_.get();
  }
  [[nodiscard]] bool alive() const noexcept { return alive_; }

  // Inlined into the driver's resume: one call per turn, not two.
  // `w`: the flow's waker target, which the driver keeps alive during the turn.
  [[gnu::always_inline]] turn run(waker::target* w) {
    if constexpr (cooperates_fast<S>) {
      // A generator's turn that ends in a cooperate builds no step, and its loop stays out of
      // line: the turn saves few registers.
      cooperate c;
      if (pull_cooperate(w, c)) [[likely]]
        return cooperated(c);
      return run_guarded_out_of_line(w);
    } else {
      return run_guarded(w);
    }
  }

  /// Destroys the flow (running its destructors) without firing the deferred.
  void release() noexcept {
    if (std::exchange(alive_, false)) parts_.~parts();
  }
  ~flow_body() { release(); }
  flow_body(const flow_body&) = delete;
  flow_body& operator=(const flow_body&) = delete;

 private:
  static constexpr bool trapping = may_hold_failure_v<stored_value_t<S>>;

  // The stage and the consumer live and die together (`alive_`).
  struct parts {
    parts(S s, C c) : stage{std::move(s)}, consumer{std::move(c)} {}
    S stage;
    C consumer;
  };

  // Inlined into `run` too: clang otherwise keeps it a call, a tenth of a switch.
  [[gnu::always_inline]] turn run_values(waker::target* w) {
    for (int i = 0; i < values_per_turn; ++i) {
      step<value_t<S>> st = pull(w);
      if (st.has_value()) [[likely]] {
        if constexpr (trapping) {
          if (errback_trapped_) {
            if (const failure* f = trapped_failure(*st)) {
              fail(*f);
              return {turn::finished};
            }
          }
        }
        if (!parts_.consumer.push(*std::move(st))) {
          succeed();
          return {turn::finished};
        }
      } else if (st.is_cooperate()) {
        return cooperated(st.cooperation());
      } else if (st.is_done()) {
        succeed();
        return {turn::finished};
      } else {
        fail(std::move(st).error());
        return {turn::finished};
      }
    }
    return {turn::again};
  }

  [[gnu::always_inline]] turn run_guarded(waker::target* w) {
    try {
      return run_values(w);
    } catch (...) {
      // The consumer threw (a fold's or for_each's function): that fails this flow, as it
      // fails `flow | sink`, and must not leave the driver, which runs other flows too. Once
      // the flow is released, the exception came from the deferred's own callbacks: theirs.
      if (!alive()) throw;
      fail(failure::current());
      return {turn::finished};
    }
  }
  [[gnu::noinline]] turn run_guarded_out_of_line(waker::target* w) { return run_guarded(w); }

  static turn cooperated(cooperate c) noexcept {
    if (c == cooperate{}) [[likely]]
      return {turn::again};
    if (c.parked()) return {turn::park};
    return {turn::sleep, c.timeout()};
  }

  // A stage with `next_cooperate()` (a generator): `next()` split in two, see there.
  template <class X>
  static constexpr bool cooperates_fast = requires(X& x, cooperate& c) {
    { x.next_cooperate(c) } -> std::same_as<bool>;
  };
  bool pull_cooperate(waker::target* w, cooperate& c) noexcept {
    waker_scope scope{w};
    return parts_.stage.next_cooperate(c);
  }

  step<value_t<S>> pull(waker::target* w) {
    if constexpr (can_cooperate_v<S>) {
      waker_scope scope{w};
      return parts_.stage.next();
    } else {
      (void)w;
      return parts_.stage.next();
    }
  }
  void succeed() {
    if constexpr (std::is_void_v<R>) {  // a sink with no result: for_each
      std::move(parts_.consumer).result();
      release();
      result().callback();
    } else {
      R r = std::move(parts_.consumer).result();
      release();
      result().callback(std::move(r));
    }
  }
  void fail(failure f) {
    release();
    result().errback(std::move(f));
  }

  // An optional of its own, so that both flags share a word.
  union {
    parts parts_;
  };
  bool alive_ = true;
  bool errback_trapped_;
  Res result_;
};

/// What `spawn(flow, options)` and `spawn(flow, sink)` build, for any driver.
template <class X>
using spawn_stage_t = as_stage_t<X>;

template <class S>
struct collect_spec {
  using consumer = collector<stored_value_t<S>>;
  using result = std::vector<stored_value_t<S>>;
  static consumer make(const spawn_options& o) { return consumer{{}, o.fire_on_one_callback}; }
};

template <class S, class K>
struct sink_spec {
  using consumer = std::remove_cvref_t<consumer_t<K, value_t<S>>>;
  using result = std::remove_cvref_t<sink_result_t<K, value_t<S>>>;
};

}  // namespace detail
}  // namespace coflow
