// SPDX-License-Identifier: BSL-1.0
// coflow/core/as_stage.hpp - what may stand where a stage is expected: a stage, or what
// `from` makes one of. `from` is declared here and defined in coflow/sources/from.hpp, which
// every header that pipes (stages, sinks, drivers) includes, so the core needs no source.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/stage.hpp"
#include "coflow/detail/ranges.hpp"

namespace coflow {

/// Customization point: a type is made a stage by `from(x)` through an ADL-found
/// `coflow_from(x)` (deferreds use it).
template <class T>
concept has_from_hook = requires(T&& t) { coflow_from(std::forward<T>(t)); };

struct from_fn {
  /// `from(lvalue_range)` refers to the range (keep it alive while the flow runs);
  /// `from(rvalue_range)` owns it. A string is one value, not a range of characters.
  ///
  ///     std::vector v{1, 2, 3};
  ///     auto a = coflow::from(v);             // refers to v, gives int&
  ///     auto b = coflow::from(std::move(v));  // owns the vector, gives int
  template <class X>
  constexpr auto operator()(X&& x) const;

  /// `from({1, 2, 3})`: the list is copied, since it dies at the end of the expression.
  template <class T>
  constexpr auto operator()(std::initializer_list<T> list) const;
};

inline constexpr from_fn from{};

namespace detail {
template <class T>
concept string_like = std::is_convertible_v<const std::remove_cvref_t<T>&, std::string_view> &&
                      !std::is_same_v<std::remove_cvref_t<T>, std::nullptr_t>;

/// What may stand left of a `|` or in `zip(...)`: a stage, or something `from` accepts.
template <class X>
concept stage_like = stage<std::remove_cvref_t<X>> || has_from_hook<X> || string_like<X> ||
                     std::ranges::input_range<std::remove_reference_t<X>>;

template <class X>
constexpr decltype(auto) as_stage(X&& x) {
  if constexpr (stage<std::remove_cvref_t<X>>)
    return std::forward<X>(x);
  else
    return from(std::forward<X>(x));
}
/// Whether `X` can be stored in a stage being built: false for an lvalue of a move-only stage,
/// which would be copied (the checks of `|`, zip, merge, spawn, ... then say "std::move it in").
template <class X>
constexpr bool copyable_branch = !std::is_lvalue_reference_v<X> || !stage<std::remove_cvref_t<X>> ||
                                 std::is_copy_constructible_v<std::remove_cvref_t<X>>;

template <class X>
using as_stage_t = std::remove_cvref_t<decltype(as_stage(std::declval<X>()))>;
}  // namespace detail

}  // namespace coflow
