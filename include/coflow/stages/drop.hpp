// SPDX-License-Identifier: BSL-1.0
// coflow/stages/drop.hpp - skip the first n values.
#pragma once

#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/count.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S>
struct drop_core {
  using value_type = value_t<S>;
  static constexpr std::string_view stage_name = "drop";
  std::size_t left;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    if (left != 0) return --left, true;
    return emit(std::forward<V>(v));
  }
};

}  // namespace detail

/// The stage `upstream | drop(n)`: every value but the first `n` (nothing when there are
/// fewer). A failure among the first `n` is still the stage's failure.
template <stage S>
using drop_stage = adapted_stage<S, detail::drop_core<S>>;

struct drop_fn {
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n) {
    return drop_stage<std::remove_cvref_t<S>>{std::forward<S>(up), n};
  }

  /// `drop(n)` throws std::invalid_argument when `n` is negative; a count known at compile
  /// time (`std::integral_constant`) is checked at compile time.
  template <class N>
  constexpr auto operator()(N n) const {
    if constexpr (requires { requires std::integral<std::remove_cv_t<decltype(N::value)>>; }) {
      if constexpr (std::cmp_less(N::value, 0)) {
        static_assert(detail::always_false<N>, "coflow::drop: the count must not be negative");
        return detail::ill_formed{};
      } else {
        return make_closure<drop_fn>(static_cast<std::size_t>(N::value));
      }
    } else if constexpr (!std::integral<N>) {
      static_assert(detail::always_false<N>, "coflow::drop: the count must be an integer");
      return detail::ill_formed{};
    } else {
      return make_closure<drop_fn>(detail::checked_count("drop", n));
    }
  }
};

/// `src | coflow::drop(n)`: the values after the first `n`.
///
///     auto v = coflow::iota(0, 5) | coflow::drop(3) | coflow::to_vector();  // 3 4
inline constexpr drop_fn drop{};

}  // namespace coflow
