// SPDX-License-Identifier: BSL-1.0
// coflow/stages/enumerate.hpp - each value with its position.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S>
struct enumerate_core {
  using value_type = std::pair<std::size_t, value_t<S>>;
  static constexpr std::string_view stage_name = "enumerate";
  std::size_t index = 0;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    return emit(value_type{index++, std::forward<V>(v)});
  }
};
}  // namespace detail

/// The stage `upstream | enumerate`: `std::pair{i, v}` for the `i`-th upstream value `v`,
/// counting from 0 (a reference when the upstream gives references).
template <stage S>
using enumerate_stage = adapted_stage<S, detail::enumerate_core<S>>;

struct enumerate_fn {
  template <class S>
  static constexpr auto apply(S&& up) {
    return enumerate_stage<std::remove_cvref_t<S>>{std::forward<S>(up)};
  }
};

/// `src | coflow::enumerate`: each value with its index.
///
///     for (auto [i, name] : coflow::block(coflow::from(names) | coflow::enumerate)) ...
inline constexpr closure<enumerate_fn> enumerate{std::in_place};

}  // namespace coflow
