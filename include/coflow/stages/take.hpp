// SPDX-License-Identifier: BSL-1.0
// coflow/stages/take.hpp - the first n values.
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
struct take_core {
  using value_type = value_t<S>;
  static constexpr std::string_view stage_name = "take";
  std::size_t left;

  [[nodiscard]] bool exhausted() const noexcept { return left == 0; }
  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    --left;
    return emit(std::forward<V>(v)) && left != 0;
  }
};
}  // namespace detail

/// The stage `upstream | take(n)`: the first `n` values, then the end. The upstream is not
/// pulled again once `n` values were given (an endless source is fine).
template <stage S>
using take_stage = adapted_stage<S, detail::take_core<S>>;

struct take_fn {
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n) {
    return take_stage<std::remove_cvref_t<S>>{std::forward<S>(up), n};
  }

  /// `take(n)` throws std::invalid_argument when `n` is negative; a count known at compile
  /// time (`std::integral_constant`) is checked at compile time.
  template <class N>
  constexpr auto operator()(N n) const {
    if constexpr (requires { requires std::integral<std::remove_cv_t<decltype(N::value)>>; }) {
      if constexpr (std::cmp_less(N::value, 0)) {
        static_assert(detail::always_false<N>, "coflow::take: the count must not be negative");
        return detail::ill_formed{};
      } else {
        return make_closure<take_fn>(static_cast<std::size_t>(N::value));
      }
    } else if constexpr (!std::integral<N>) {
      static_assert(detail::always_false<N>, "coflow::take: the count must be an integer");
      return detail::ill_formed{};
    } else {
      return make_closure<take_fn>(detail::checked_count("take", n));
    }
  }
};

/// `src | coflow::take(n)`: the first `n` values.
///
///     auto v = coflow::iota(1) | coflow::take(3) | coflow::to_vector();  // {1, 2, 3}
inline constexpr take_fn take{};

}  // namespace coflow
