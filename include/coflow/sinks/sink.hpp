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

/// A sink is an object with `consumer<T>()`, giving a consumer with `bool push(v)` (false:
/// "I need no more") and `result()`; a sink that cannot accept T fails one `static_assert`
/// there and gives `detail::ill_formed` instead, so nothing further is instantiated. Sinks are how a flow
/// ends: `src | sink` runs the flow on this thread; `scheduler.spawn(src, sink)` runs it on a scheduler.
template <class X>
concept sink = requires { typename std::remove_cvref_t<X>::sink_tag; };

template <class K, class T>
using consumer_t = decltype(std::declval<K>().template consumer<T>());

template <class K, class T>
using sink_result_t = decltype(std::declval<consumer_t<K, T>>().result());

/// Runs `s` into `k` on the calling thread; sleeps on cooperates, rethrows failures.
template <stage S, sink K>
auto run(S& s, K&& k) {
  auto c = std::forward<K>(k).template consumer<value_t<S>>();
  if constexpr (std::is_same_v<decltype(c), detail::ill_formed>) {
    return c;  // the sink's static_assert has already said why
  } else {
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

/// CRTP base of sinks: `stage | sink` (and `range | sink`) runs the flow.
template <class D>
struct sink_base {
  using sink_tag = void;

  template <class L>
  friend constexpr auto operator|(L&& lhs, D rhs) {
    if constexpr (std::is_same_v<std::remove_cvref_t<L>, detail::ill_formed>) {
      return detail::ill_formed{};  // an earlier stage's check failed and said why
    } else if constexpr (!detail::stage_like<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is neither a stage nor a range (see the type "
                    "L in the instantiation above)");
      return detail::ill_formed{};
    } else {
      return run(detail::as_stage(std::forward<L>(lhs)), std::move(rhs));
    }
  }
};

}  // namespace coflow
