// SPDX-License-Identifier: BSL-1.0
// coflow/stages/chunk.hpp - group values into vectors of n.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/core/cooperate.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"
#include "coflow/stages/chunk_within.hpp"

namespace coflow {

namespace detail {
inline std::size_t checked_chunk_size(std::size_t n) {
  if (n == 0) throw std::invalid_argument("coflow::chunk: the chunk size must be at least 1");
  return n;
}
}  // namespace detail

namespace detail {
template <stage S, std::size_t Fixed>
struct chunk_core {
  using value_type = std::vector<stored_value_t<S>>;
  static constexpr std::string_view stage_name = "chunk";
  // One partial chunk is buffered: up to n values, a bound known here only when n is fixed.
  static constexpr std::size_t buffer_bound = Fixed == 0 ? unbounded : add_bounds(buffer_bound_v<S>, Fixed);

  std::size_t n;
  value_type buf{};

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    if (buf.empty()) buf.reserve(n);
    buf.emplace_back(std::forward<V>(v));
    return buf.size() < n || emit(std::exchange(buf, value_type{}));
  }
  // The partial chunk goes before the end and before a failure: no value is lost.
  template <class Emit>
  void on_end(Emit& emit) {
    if (!buf.empty()) emit(std::exchange(buf, value_type{}));
  }
  template <class Emit>
  void on_failure(Emit& emit) {
    on_end(emit);
  }
};
}  // namespace detail

/// The stage `upstream | chunk(n)`: `std::vector`s of `n` values in order, the last one
/// shorter if the values run out. A partial chunk is given before a failure, so no value is
/// lost; a cooperate keeps it for the next pull. `Fixed` is `n` when known at compile time
/// (`chunk(std::integral_constant<std::size_t, 64>{})`), 0 otherwise.
template <stage S, std::size_t Fixed = 0>
class chunk_stage : public adapted_stage<S, detail::chunk_core<S, Fixed>> {
 public:
  /// Throws std::invalid_argument when `n` is 0.
  chunk_stage(S up, std::size_t n)
      : adapted_stage<S, detail::chunk_core<S, Fixed>>{std::move(up), detail::checked_chunk_size(n)} {}

  /// How many values this stage and its upstreams hold at most (also for a run-time n).
  [[nodiscard]] std::size_t max_buffered() const noexcept {
    return detail::add_bounds(buffer_bound_v<S>, this->core().n);
  }
};

struct chunk_fn {
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n) {
    return chunk_stage<std::remove_cvref_t<S>>{std::forward<S>(up), n};
  }
  template <class S, std::size_t N>
  static constexpr auto apply(S&& up, std::integral_constant<std::size_t, N>) {
    return chunk_stage<std::remove_cvref_t<S>, N>{std::forward<S>(up), N};
  }
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n, cooperate::duration within) {
    return chunk_within_stage<std::remove_cvref_t<S>>{std::forward<S>(up), n, within};
  }

  /// `chunk(n)` throws std::invalid_argument when `n` is 0; a size known at compile time
  /// (`std::integral_constant`) is checked at compile time and gives a static `buffer_bound`.
  template <class N>
  constexpr auto operator()(N n) const {
    if constexpr (requires { requires std::integral<std::remove_cv_t<decltype(N::value)>>; }) {
      if constexpr (std::cmp_less(N::value, 1)) {
        static_assert(detail::always_false<N>, "coflow::chunk: the chunk size must be at least 1");
        return detail::ill_formed{};
      } else {
        return make_closure<chunk_fn>(std::integral_constant<std::size_t, N::value>{});
      }
    } else if constexpr (!std::integral<N>) {
      static_assert(detail::always_false<N>, "coflow::chunk: the chunk size must be an integer");
      return detail::ill_formed{};
    } else {
      if (std::cmp_less(n, 1)) detail::checked_chunk_size(0);
      return make_closure<chunk_fn>(static_cast<std::size_t>(n));
    }
  }

  /// `chunk(n, within)`: a chunk when it holds `n` values or `within` after its first value,
  /// whichever comes first (see chunk_within_stage). Throws std::invalid_argument when `n` is
  /// less than 1.
  template <class N>
  constexpr auto operator()(N n, cooperate::duration within) const {
    if constexpr (!std::integral<N>) {
      static_assert(detail::always_false<N>, "coflow::chunk: the chunk size must be an integer");
      return detail::ill_formed{};
    } else {
      if (std::cmp_less(n, 1)) detail::checked_chunk_size(0);
      return make_closure<chunk_fn>(static_cast<std::size_t>(n), within);
    }
  }
};

/// `src | coflow::chunk(n)`: vectors of `n` values (the last may be shorter);
/// `chunk(n, within)`: of up to `n` values, or what came within `within`.
///
///     auto v = coflow::iota(0, 5) | coflow::chunk(2) | coflow::to_vector();  // {0,1} {2,3} {4}
inline constexpr chunk_fn chunk{};

}  // namespace coflow
