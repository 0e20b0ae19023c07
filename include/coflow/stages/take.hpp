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
#include "coflow/detail/diagnostic.hpp"

namespace coflow {

/// The stage `upstream | take(n)`: the first `n` values, then the end. The upstream is not
/// pulled again once `n` values were given (an endless source is fine).
template <stage S>
class take_stage {
 public:
  using value_type = value_t<S>;
  static constexpr bool can_cooperate = can_cooperate_v<S>;
  static constexpr bool uses_threads = uses_threads_v<S>;
  static constexpr std::size_t buffer_bound = buffer_bound_v<S>;
  static constexpr std::string_view stage_name = "take";
  using upstreams = decltype(boost::hana::tuple_t<S>);

  take_stage(S up, std::size_t n) : up_{std::move(up)}, left_{n} {}

  step<value_type> next() {
    if (left_ == 0) return done;
    step<value_type> s = up_.next();
    if (s.has_value()) --left_;
    else if (!s.is_cooperate()) left_ = 0;  // ended or failed: never pull again
    return s;
  }

  template <class G>
    requires drivable<S>
  void drive(G&& g) {
    if (left_ == 0) return;
    up_.drive([&](auto&& v) {
      --left_;
      return g(std::forward<decltype(v)>(v)) && left_ != 0;
    });
  }

 private:
  S up_;
  std::size_t left_;
};

namespace detail {
template <class N>
std::size_t checked_take_count(N n) {
  if (std::cmp_less(n, 0))
    throw std::invalid_argument("coflow::take: the count must not be negative (it is " + std::to_string(n) + ")");
  return static_cast<std::size_t>(n);
}
}  // namespace detail

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
      static_assert(std::integral<N>, "coflow::take: the count must be an integer");
      return detail::ill_formed{};
    } else {
      return make_closure<take_fn>(detail::checked_take_count(n));
    }
  }
};

/// `src | coflow::take(n)`: the first `n` values.
///
///     auto v = coflow::iota(1) | coflow::take(3) | coflow::to_vector();  // {1, 2, 3}
inline constexpr take_fn take{};

}  // namespace coflow
