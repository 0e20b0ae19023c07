// SPDX-License-Identifier: BSL-1.0
// coflow/sinks/sink.hpp - the edge of a flow: `stage | sink` runs it to completion.
#pragma once

#include <type_traits>
#include <utility>

#include "coflow/core/blocking_wait.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// A sink derives from `sink_base<Self>` and has `consumer<T>()`, giving a consumer with
/// `bool push(v)` (false: "I need no more") and `result()`. A sink that does not take every T
/// says so in a static `accepts<T>()`: `static_assert` with one sentence and return false, and
/// coflow gives `detail::ill_formed` instead of running the flow, so nothing further is
/// instantiated. Sinks are how a flow ends: `src | sink` runs the flow on this thread;
/// `scheduler.spawn(src, sink)` runs it on a scheduler. (docs/design.md#writing-a-sink)
template <class X>
concept sink = detail::ends_a_flow<X>;

template <class K, class T>
using consumer_t = decltype(std::declval<K>().template consumer<T>());

template <class K, class T>
using sink_result_t = decltype(std::declval<consumer_t<K, T>>().result());

/// Runs `s` into `k` on the calling thread; sleeps on cooperates, rethrows failures.
template <stage S, sink K>
auto run(S& s, K&& k) {
  if constexpr (!std::remove_cvref_t<K>::template accepts<value_t<S>>()) {
    return detail::ill_formed{};  // the sink's static_assert has said why
  } else {
    auto c = std::forward<K>(k).template consumer<value_t<S>>();
    detail::drain_blocking(s, [&c](auto&& v) -> bool { return c.push(std::forward<decltype(v)>(v)); });
    return std::move(c).result();
  }
}

/// A temporary flow runs in place: it lives until the end of the caller's full expression,
/// so there is nothing to gain from moving it.
template <stage S, sink K>
auto run(S&& s, K&& k)
  requires(!std::is_lvalue_reference_v<S>)
{
  return run(s, std::forward<K>(k));
}

namespace detail {
/// An object with `consumer<T>()` that does not derive from `sink_base`: a sink with its base
/// forgotten, which `|` and `spawn` name in their diagnostic.
template <class K, class T>
concept sink_without_base =
    !ends_a_flow<K> && requires { std::declval<std::remove_cvref_t<K>>().template consumer<T>(); };
}  // namespace detail

/// `stage | k` where `k` has `consumer<T>()` but no `sink_base`: one sentence saying so
/// (found by argument-dependent lookup through the stage's namespace or base).
template <class L, class K>
  requires stage<std::remove_cvref_t<L>> && detail::sink_without_base<K, value_t<std::remove_cvref_t<L>>>
constexpr auto operator|(L&&, K&&) {
  static_assert(detail::always_false<K>,
                "coflow: the right side of | (K) has consumer<T>() but is not a sink; a sink derives "
                "from coflow::sink_base<K>");
  return detail::ill_formed{};
}

/// CRTP base of sinks: `stage | sink` (and `range | sink`) runs the flow.
template <class D>
struct sink_base {
  using sink_tag = void;

  /// Every value type, unless the sink says otherwise (see `sink`).
  template <class T>
  static constexpr bool accepts() noexcept {
    return true;
  }

  // The checks are here, not in `run`, so that a sink's failed check is one instantiation
  // away from the user's line.
  template <class L, class K>
    requires std::is_same_v<std::remove_cvref_t<K>, D> && (!detail::any_ill_formed<L>)
  friend constexpr auto operator|(L&& lhs, K&& rhs) {
    if constexpr (!std::is_rvalue_reference_v<K&&> && !std::is_copy_constructible_v<D>) {
      static_assert(detail::always_false<D>,
                    "coflow: a sink holding a move-only value (see D) is used as an lvalue on the "
                    "right of |, which would copy it; std::move it in");
      return detail::ill_formed{};
    } else if constexpr (!detail::stage_like<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is neither a stage nor a range (see the type L)");
      return detail::ill_formed{};
    } else if constexpr (!D::template accepts<value_t<detail::as_stage_t<L>>>()) {
      return detail::ill_formed{};  // the sink's static_assert has said why
    } else {
      return run(detail::as_stage(std::forward<L>(lhs)), std::forward<K>(rhs));
    }
  }
};

}  // namespace coflow
