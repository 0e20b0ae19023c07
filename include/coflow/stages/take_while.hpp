// SPDX-License-Identifier: BSL-1.0
// coflow/stages/take_while.hpp - the values up to the first that a predicate refuses.
#pragma once

#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S, class P>
struct take_while_core {
  using value_type = value_t<S>;
  static constexpr std::string_view stage_name = "take_while";
  P pred;
  bool over = false;

  [[nodiscard]] bool exhausted() const noexcept { return over; }
  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    if (!detail::invoke_unpacked(pred, std::as_const(v))) return !(over = true);
    return emit(std::forward<V>(v));
  }
};

/// The checks of a predicate over `S`'s values, shared by the stages that take one: 0 when
/// it fits, else which check failed (1: cannot be called, 2: not bool).
template <class P, stage S>
constexpr int predicate_misfit() {
  using arg = const std::remove_reference_t<value_t<S>>&;
  if constexpr (!invocable_unpacked_v<P&, arg>)
    return 1;
  else if constexpr (!std::is_convertible_v<invoke_unpacked_result_t<P&, arg>, bool>)
    return 2;
  else
    return 0;
}
}  // namespace detail

/// The stage `upstream | take_while(pred)`: the values for which `pred(v)` is true, up to
/// the first for which it is false; then the end, and the upstream is not pulled again.
template <stage S, class P>
using take_while_stage = adapted_stage<S, detail::take_while_core<S, P>>;

struct take_while_fn {
  template <class S, class Q>
  static constexpr auto apply(S&& up, Q&& q) {
    using U = std::remove_cvref_t<S>;
    using P = std::remove_cvref_t<Q>;
    constexpr int misfit = detail::predicate_misfit<P, U>();
    if constexpr (misfit == 1) {
      static_assert(detail::always_false<P>,
                    "coflow::take_while: the predicate cannot be called with the upstream value type, "
                    "nor with its elements when it is a tuple");
      return detail::ill_formed{};
    } else if constexpr (misfit == 2) {
      static_assert(detail::always_false<P>,
                    "coflow::take_while: the predicate does not return something convertible to bool");
      return detail::ill_formed{};
    } else {
      return take_while_stage<U, P>{std::forward<S>(up), std::forward<Q>(q)};
    }
  }

  template <class P>
  constexpr auto operator()(P p) const {
    return make_closure<take_while_fn>(std::move(p));
  }
};

/// `src | coflow::take_while(pred)`: the values while `pred(v)` holds.
///
///     auto v = coflow::iota(1) | coflow::take_while([](int x) { return x < 4; }) | coflow::to_vector();  //
///     1 2 3
inline constexpr take_while_fn take_while{};

}  // namespace coflow
