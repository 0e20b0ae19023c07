// SPDX-License-Identifier: BSL-1.0
// coflow/detail/invoke.hpp - call a user function with a value, or with a tuple value's elements.
#pragma once

#include <cstddef>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace coflow::detail {

/// A value `std::apply` can unpack: a tuple, a pair, an array.
template <class T>
concept tuple_like = requires { std::tuple_size<std::remove_cvref_t<T>>::value; };

template <class F, class T, class... Front, std::size_t... I>
constexpr bool invocable_with_elements(std::index_sequence<I...>) {
  return std::is_invocable_v<F, Front..., decltype(std::get<I>(std::declval<T>()))...>;
}

/// The rule of every adaptor that calls a user function on a value `v` (map, filter,
/// for_each, take_while, drop_while, scan after its accumulator): `f(front..., v)` when `f`
/// takes `v`; else, when `v` is tuple-like (a zip's value), `f(front..., elements of v...)`.
/// A function that can take both gets the tuple.
template <class F, class T, class... Front>
constexpr bool unpacks_v() {
  if constexpr (std::is_invocable_v<F, Front..., T> || !tuple_like<T>)
    return false;
  else
    return invocable_with_elements<F, T, Front...>(
        std::make_index_sequence<std::tuple_size_v<std::remove_cvref_t<T>>>{});
}

/// Whether `invoke_unpacked(f, v, front...)` can be called (see `unpacks_v`).
template <class F, class T, class... Front>
inline constexpr bool invocable_unpacked_v =
    std::is_invocable_v<F, Front..., T> || unpacks_v<F, T, Front...>();

/// `f(front..., v)`, or `f(front..., elements of v...)` (see `unpacks_v`).
template <class F, class T, class... Front>
constexpr decltype(auto) invoke_unpacked(F&& f, T&& v, Front&&... front) {
  if constexpr (unpacks_v<F, T, Front...>()) {
    return std::apply(
        [&](auto&&... e) -> decltype(auto) {
          return std::invoke(std::forward<F>(f), std::forward<Front>(front)...,
                             std::forward<decltype(e)>(e)...);
        },
        std::forward<T>(v));
  } else {
    return std::invoke(std::forward<F>(f), std::forward<Front>(front)..., std::forward<T>(v));
  }
}

template <class F, class T, class... Front>
using invoke_unpacked_result_t =
    decltype(invoke_unpacked(std::declval<F>(), std::declval<T>(), std::declval<Front>()...));

}  // namespace coflow::detail
