// SPDX-License-Identifier: BSL-1.0
// coflow/detail/diagnostic.hpp - helpers that keep a misuse down to one readable message.
#pragma once

#include <type_traits>

namespace coflow::detail {

/// `false`, but dependent on T: for a `static_assert` that fires only when instantiated.
/// Its arguments name the types involved, so the compiler's note on the failed assertion
/// (`always_false<F, int>` evaluates to false) shows them next to coflow's sentence.
template <class...>
inline constexpr bool always_false = false;

/// For `static_assert(at_least_two<S...>, ...)`: the compilers' note then names the types.
template <class... X>
inline constexpr bool at_least_two = sizeof...(X) >= 2;

/// What a failed check gives instead of a stage, a closure, a sink or a result. It absorbs
/// whatever follows (`|` on either side, conversion to any type), and every coflow function
/// that takes a flow gives it back unchanged, so the one `static_assert` that said why stays
/// the only error.
struct ill_formed {
  template <class... A>
  constexpr explicit ill_formed(A&&...) noexcept {}

  /// Declared only: a program that holds an ill_formed has already failed to compile.
  template <class T>
  operator T() const noexcept;  // NOLINT(google-explicit-constructor): absorbs `int x = bad;`

  /// `for (auto v : bad)` says nothing more either.
  ill_formed* begin() noexcept;
  ill_formed* end() noexcept;

  template <class R>
  friend constexpr ill_formed operator|(ill_formed, R&&) noexcept {
    return ill_formed{};
  }
  template <class L>
    requires(!std::is_same_v<std::remove_cvref_t<L>, ill_formed>)
  friend constexpr ill_formed operator|(L&&, ill_formed) noexcept {
    return ill_formed{};
  }
};

/// True when any of X is an ill_formed: the check that failed there has already said why.
template <class... X>
inline constexpr bool any_ill_formed = (std::is_same_v<std::remove_cvref_t<X>, ill_formed> || ...);

}  // namespace coflow::detail
