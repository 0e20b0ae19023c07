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

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"

namespace coflow {

namespace detail {
inline std::size_t checked_chunk_size(std::size_t n) {
  if (n == 0) throw std::invalid_argument("coflow::chunk: the chunk size must be at least 1");
  return n;
}
}  // namespace detail

/// The stage `upstream | chunk(n)`: `std::vector`s of `n` values in order, the last one
/// shorter if the values run out. A partial chunk is given before a failure, so no value is
/// lost; a cooperate keeps it for the next pull. `Fixed` is `n` when known at compile time
/// (`chunk(std::integral_constant<std::size_t, 64>{})`), 0 otherwise.
template <stage S, std::size_t Fixed = 0>
class chunk_stage {
  using element = stored_value_t<S>;

 public:
  using value_type = std::vector<element>;
  static constexpr bool can_cooperate = can_cooperate_v<S>;
  static constexpr bool uses_threads = uses_threads_v<S>;
  // One partial chunk is buffered: up to n values, a bound known here only when n is fixed.
  static constexpr std::size_t buffer_bound =
      Fixed == 0 ? unbounded : detail::add_bounds(buffer_bound_v<S>, Fixed);
  static constexpr std::string_view stage_name = "chunk";
  using upstreams = decltype(boost::hana::tuple_t<S>);

  /// Throws std::invalid_argument when `n` is 0.
  chunk_stage(S up, std::size_t n) : up_{std::move(up)}, n_{detail::checked_chunk_size(n)} {}

  /// How many values this stage and its upstreams hold at most (also for a run-time n).
  [[nodiscard]] std::size_t max_buffered() const noexcept { return detail::add_bounds(buffer_bound_v<S>, n_); }

  step<value_type> next() {
    if (after_) {
      step<value_type> s = std::move(*after_);
      after_.reset();
      return s;
    }
    for (;;) {
      step<value_t<S>> s = up_.next();
      if (s.has_value()) {
        if (buf_.empty()) buf_.reserve(n_);
        buf_.emplace_back(*std::move(s));
        if (buf_.size() == n_) return take_buffer();
        continue;
      }
      if (s.is_cooperate() || buf_.empty()) return std::move(s).template forward_signal<value_type>();
      // The end or a failure: the partial chunk goes first.
      after_.emplace(std::move(s).template forward_signal<value_type>());
      return take_buffer();
    }
  }

  /// As `next()`: the partial chunk goes before the end and before a failure of the upstream
  /// (an exception here), which is then rethrown unless `g` stopped at that chunk.
  template <class G>
    requires drivable<S>
  void drive(G&& g) {
    if (after_) return rethrow_after();
    bool more = true;
    try {
      up_.drive([&](auto&& v) {
        if (buf_.empty()) buf_.reserve(n_);
        buf_.emplace_back(std::forward<decltype(v)>(v));
        if (buf_.size() < n_) return true;
        more = g(take_buffer());
        return more;
      });
    } catch (...) {
      // g empties the buffer before it runs, so a non-empty one means the upstream threw.
      if (buf_.empty() || g(take_buffer())) throw;
      return;
    }
    if (more && !buf_.empty()) g(take_buffer());
  }

 private:
  value_type take_buffer() {
    return std::exchange(buf_, value_type{});
  }

  // A pull gave the partial chunk; the push path gives what followed it: the end or a throw.
  void rethrow_after() {
    step<value_type> s = *std::exchange(after_, std::nullopt);
    if (s.is_failure()) s.error().rethrow();
  }

  S up_;
  std::size_t n_;
  value_type buf_;
  std::optional<step<value_type>> after_;  // the end or failure that follows a partial chunk
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
      static_assert(std::integral<N>, "coflow::chunk: the chunk size must be an integer");
      return detail::ill_formed{};
    } else {
      if (std::cmp_less(n, 1)) detail::checked_chunk_size(0);
      return make_closure<chunk_fn>(static_cast<std::size_t>(n));
    }
  }
};

/// `src | coflow::chunk(n)`: vectors of `n` values (the last may be shorter).
///
///     auto v = coflow::iota(0, 5) | coflow::chunk(2) | coflow::to_vector();  // {0,1} {2,3} {4}
inline constexpr chunk_fn chunk{};

}  // namespace coflow
