// SPDX-License-Identifier: BSL-1.0
// coflow/stages/filter.hpp - keep the values a predicate accepts.
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S, class P>
struct filter_core {
  using value_type = value_t<S>;
  static constexpr std::string_view stage_name = "filter";
  P pred;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    return !detail::invoke_unpacked(pred, std::as_const(v)) || emit(std::forward<V>(v));
  }
};
}  // namespace detail

/// The stage `upstream | filter(pred)`: gives the values for which `pred(v)` is true (a
/// tuple's elements are passed one by one to a predicate that cannot take the tuple).
template <stage S, class P>
using filter_stage = adapted_stage<S, detail::filter_core<S, P>>;

struct filter_fn {
  // As map_fn::apply: the predicate by reference (g++ 12 -Os, see there).
  template <class S, class Q>
  static constexpr auto apply(S&& up, Q&& q) {
    using U = std::remove_cvref_t<S>;
    using P = std::remove_cvref_t<Q>;
    using arg = const std::remove_reference_t<value_t<U>>&;
    if constexpr (!detail::invocable_unpacked_v<P&, arg>) {
      static_assert(detail::always_false<P, arg>,
                    "coflow::filter: the predicate (P) cannot be called with the upstream value type (T), "
                    "nor with its elements when T is a tuple");
      return detail::ill_formed{};
    } else if constexpr (!std::convertible_to<detail::invoke_unpacked_result_t<P&, arg>, bool>) {
      static_assert(detail::always_false<P>,
                    "coflow::filter: the predicate does not return something convertible to bool");
      return detail::ill_formed{};
    } else {
      return filter_stage<U, P>{std::forward<S>(up), std::forward<Q>(q)};
    }
  }

  template <class P>
  constexpr auto operator()(P p) const {
    return make_closure<filter_fn>(std::move(p));
  }
};

/// `src | coflow::filter(pred)`: the values for which `pred(v)` is true.
inline constexpr filter_fn filter{};

}  // namespace coflow
