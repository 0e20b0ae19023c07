// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/interaction.hpp - blocking database work run on a worker thread, its
// result a deferred on a scheduler (Twisted adbapi's runInteraction).
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "coflow/scheduling/scheduler.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/threads/threaded.hpp"

namespace coflow::sql::detail {

template <class R>
using interaction_value_t = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

/// Calls `work()` once, on the worker thread: its result is the one value of the source.
template <class R, class F>
struct call_once {
  F work;
  bool called = false;
  std::optional<interaction_value_t<R>> operator()() {
    if (std::exchange(called, true)) return std::nullopt;
    if constexpr (std::is_void_v<R>) {
      work();
      return std::monostate{};
    } else {
      return work();
    }
  }
};

/// The sink of an interaction: its one value, as `R`.
template <class R>
struct only_value_sink : sink_base<only_value_sink<R>> {
  static constexpr std::string_view sink_name = "sql::interaction";
  template <class T>
  struct consumer_type {
    std::optional<interaction_value_t<R>> value;
    bool push(interaction_value_t<R>&& v) {
      value.emplace(std::move(v));
      return false;
    }
    R result() && {
      if constexpr (!std::is_void_v<R>) return std::move(*value);
    }
  };
  template <class T>
  consumer_type<T> consumer() const {
    return {};
  }
};

/// Runs `work()` on a worker thread of its own; the deferred fires on `sched`'s thread with its
/// result, or errbacks with its exception. The flow's thread never blocks meanwhile.
template <class R, class F>
deferred<R> run_on_worker(scheduler& sched, F work) {
  auto factory = [w = std::move(work)]() mutable { return call_once<R, F>{std::move(w)}; };
  return sched.spawn(coflow::threaded(std::move(factory), threaded_options{.capacity = 2, .batch = 1}),
                     only_value_sink<R>{});
}

/// `f(tx)` in a transaction `Tx` on a worker thread: committed when `f` returns (unless it
/// committed or rolled back itself), rolled back when it throws (by `Tx`'s destructor).
template <class Tx, class Pool, class F>
auto run_interaction(scheduler& sched, std::shared_ptr<Pool> pool, F f) {
  using R = std::invoke_result_t<F&, Tx&>;
  return run_on_worker<R>(sched, [p = std::move(pool), fn = std::move(f)]() mutable -> R {
    Tx tx{std::move(p)};
    if constexpr (std::is_void_v<R>) {
      fn(tx);
      if (tx.active()) tx.commit();
    } else {
      R r = fn(tx);
      if (tx.active()) tx.commit();
      return r;
    }
  });
}

}  // namespace coflow::sql::detail
