// SPDX-License-Identifier: BSL-1.0
// coflow/detail/diagnostic.hpp - helpers that keep a misuse down to one readable message.
#pragma once

#include <type_traits>

namespace coflow::detail {

/// `false`, but dependent on T: for a `static_assert` that fires only when instantiated.
template <class...>
inline constexpr bool always_false = false;

/// A type whose only job is to stand where a check failed, so the compiler stops there and
/// does not go on to print the errors that would follow from the bad type.
struct ill_formed {
  template <class... A>
  constexpr explicit ill_formed(A&&...) noexcept {}
};

}  // namespace coflow::detail
