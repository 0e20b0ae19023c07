// SPDX-License-Identifier: BSL-1.0
// coflow/stages/sliding.hpp - overlapping windows of n consecutive values.
#pragma once

#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S>
struct sliding_core {
  using value_type = std::vector<stored_value_t<S>>;
  static constexpr std::string_view stage_name = "sliding";
  // The window holds n - 1 values between pulls: a bound known at run time (max_buffered).
  static constexpr std::size_t buffer_bound = unbounded;
  std::size_t n;
  value_type window{};

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    if (window.size() == n) window.erase(window.begin());
    window.emplace_back(std::forward<V>(v));
    return window.size() < n || emit(value_type(window));
  }
};

inline std::size_t checked_window_size(std::size_t n) {
  if (n == 0) throw std::invalid_argument("coflow::sliding: the window size must be at least 1");
  return n;
}
}  // namespace detail

/// The stage `upstream | sliding(n)`: for each value from the `n`-th on, a `std::vector` of
/// the last `n` values (C++23's `views::slide`); nothing when there are fewer than `n`.
template <stage S>
class sliding_stage : public adapted_stage<S, detail::sliding_core<S>> {
 public:
  /// Throws std::invalid_argument when `n` is 0.
  sliding_stage(S up, std::size_t n)
      : adapted_stage<S, detail::sliding_core<S>>{std::move(up), detail::checked_window_size(n)} {}

  /// How many values this stage and its upstreams hold at most.
  [[nodiscard]] std::size_t max_buffered() const noexcept {
    return detail::add_bounds(buffer_bound_v<S>, this->core().n);
  }
};

struct sliding_fn {
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n) {
    return sliding_stage<std::remove_cvref_t<S>>{std::forward<S>(up), n};
  }

  /// `sliding(n)` throws std::invalid_argument when `n` is less than 1.
  template <class N>
  constexpr auto operator()(N n) const {
    if constexpr (!std::integral<N>) {
      static_assert(detail::always_false<N>, "coflow::sliding: the window size must be an integer");
      return detail::ill_formed{};
    } else {
      if (std::cmp_less(n, 1)) detail::checked_window_size(0);
      return make_closure<sliding_fn>(static_cast<std::size_t>(n));
    }
  }
};

/// `src | coflow::sliding(n)`: windows of `n` consecutive values.
///
///     auto v = coflow::iota(0, 4) | coflow::sliding(2) | coflow::to_vector();  // {0,1} {1,2} {2,3}
inline constexpr sliding_fn sliding{};

}  // namespace coflow
