// SPDX-License-Identifier: BSL-1.0
// coflow/stages/drop_while.hpp - skip the values a predicate accepts, up to the first it refuses.
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
#include "coflow/stages/take_while.hpp"

namespace coflow {

namespace detail {
template <stage S, class P>
struct drop_while_core {
  using value_type = value_t<S>;
  static constexpr std::string_view stage_name = "drop_while";
  P pred;
  bool dropping = true;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    if (dropping && detail::invoke_unpacked(pred, std::as_const(v))) return true;
    dropping = false;
    return emit(std::forward<V>(v));
  }
};
}  // namespace detail

/// The stage `upstream | drop_while(pred)`: skips the values for which `pred(v)` is true up
/// to the first for which it is false, then gives that one and every value after it
/// (`pred` is not called again).
template <stage S, class P>
using drop_while_stage = adapted_stage<S, detail::drop_while_core<S, P>>;

struct drop_while_fn {
  template <class S, class Q>
  static constexpr auto apply(S&& up, Q&& q) {
    using U = std::remove_cvref_t<S>;
    using P = std::remove_cvref_t<Q>;
    constexpr int misfit = detail::predicate_misfit<P, U>();
    if constexpr (misfit == 1) {
      static_assert(detail::always_false<P>,
                    "coflow::drop_while: the predicate cannot be called with the upstream value type, "
                    "nor with its elements when it is a tuple");
      return detail::ill_formed{};
    } else if constexpr (misfit == 2) {
      static_assert(detail::always_false<P>,
                    "coflow::drop_while: the predicate does not return something convertible to bool");
      return detail::ill_formed{};
    } else {
      return drop_while_stage<U, P>{std::forward<S>(up), std::forward<Q>(q)};
    }
  }

  template <class P>
  constexpr auto operator()(P p) const {
    return make_closure<drop_while_fn>(std::move(p));
  }
};

/// `src | coflow::drop_while(pred)`: the values from the first for which `pred(v)` is false.
///
///     auto v = std::vector{0, 0, 1, 0} | coflow::drop_while([](int x) { return x == 0; });  // 1 0
inline constexpr drop_while_fn drop_while{};

}  // namespace coflow
