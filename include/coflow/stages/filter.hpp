// coflow/stages/filter.hpp - keep the values a predicate accepts.
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"

namespace coflow {

/// The stage `upstream | filter(pred)`: gives the values for which `pred(v)` is true.
template <stage S, class P>
class filter_stage {
 public:
  using value_type = value_t<S>;
  static constexpr bool can_cooperate = can_cooperate_v<S>;
  static constexpr bool uses_threads = uses_threads_v<S>;
  static constexpr std::size_t buffer_bound = buffer_bound_v<S>;
  static constexpr std::string_view stage_name = "filter";
  using upstreams = decltype(boost::hana::tuple_t<S>);

  filter_stage(S up, P p) : up_{std::move(up)}, pred_{std::move(p)} {}

  step<value_type> next() {
    for (;;) {
      step<value_type> s = up_.next();
      if (!s.has_value()) return s;
      try {
        if (std::invoke(pred_, std::as_const(*s))) return s;
      } catch (...) {
        return failure::current();
      }
    }
  }

  template <class G>
    requires drivable<S>
  void drive(G&& g) {
    up_.drive([&](auto&& v) {
      if (!std::invoke(pred_, std::as_const(v))) return true;
      return g(std::forward<decltype(v)>(v));
    });
  }

 private:
  S up_;
  P pred_;
};

struct filter_fn {
  template <class S, class P>
  static constexpr auto apply(S&& up, P p) {
    using U = std::remove_cvref_t<S>;
    using arg = const std::remove_reference_t<value_t<U>>&;
    if constexpr (!std::invocable<P&, arg>) {
      static_assert(std::invocable<P&, arg>,
                    "coflow::filter: the predicate cannot be called with the upstream value type");
      return detail::ill_formed{};
    } else if constexpr (!std::convertible_to<std::invoke_result_t<P&, arg>, bool>) {
      static_assert(detail::always_false<P>,
                    "coflow::filter: the predicate does not return something convertible to bool");
      return detail::ill_formed{};
    } else {
      return filter_stage<U, P>{std::forward<S>(up), std::move(p)};
    }
  }

  template <class P>
  constexpr auto operator()(P p) const {
    return make_closure<filter_fn>(std::move(p));
  }
};

/// `src | coflow::filter(pred)`: the values for which `pred(v)` is true.
inline constexpr filter_fn filter{};

}  // namespace coflow
