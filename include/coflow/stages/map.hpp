// coflow/stages/map.hpp - apply a function to every value.
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"

namespace coflow {

/// The stage `upstream | map(f)`: gives `f(v)` for each upstream value `v`. An exception
/// thrown by `f` becomes a failure in the stream.
template <stage S, class F>
class map_stage {
 public:
  using value_type = std::invoke_result_t<F&, value_t<S>>;
  static constexpr bool can_cooperate = can_cooperate_v<S>;
  static constexpr bool uses_threads = uses_threads_v<S>;
  static constexpr std::size_t buffer_bound = buffer_bound_v<S>;
  static constexpr std::string_view stage_name = "map";
  using upstreams = decltype(boost::hana::tuple_t<S>);

  map_stage(S up, F f) : up_{std::move(up)}, f_{std::move(f)} {}

  step<value_type> next() {
    step<value_t<S>> s = up_.next();
    if (!s.has_value()) return std::move(s).template forward_signal<value_type>();
    try {
      return step<value_type>(std::invoke(f_, *std::move(s)));
    } catch (...) {
      return failure::current();
    }
  }

  template <class G>
    requires drivable<S>
  void drive(G&& g) {
    up_.drive([&](auto&& v) { return g(std::invoke(f_, std::forward<decltype(v)>(v))); });
  }

 private:
  S up_;
  F f_;
};

struct map_fn {
  template <class S, class F>
  static constexpr auto apply(S&& up, F f) {
    using U = std::remove_cvref_t<S>;
    if constexpr (!std::invocable<F&, value_t<U>>) {
      static_assert(std::invocable<F&, value_t<U>>,
                    "coflow::map: the function cannot be called with the upstream value type");
      return detail::ill_formed{};
    } else if constexpr (std::is_void_v<std::invoke_result_t<F&, value_t<U>>>) {
      static_assert(detail::always_false<F>,
                    "coflow::map: the function returns void; a map must give a value (use "
                    "for_each to consume values)");
      return detail::ill_formed{};
    } else {
      return map_stage<U, F>{std::forward<S>(up), std::move(f)};
    }
  }

  /// `src | map(f)`
  template <class F>
  constexpr auto operator()(F f) const {
    return make_closure<map_fn>(std::move(f));
  }

  /// `map(f, a, b, ...)`: `f` over the stages zipped; defined in coflow/stages/zip.hpp.
  template <class F, class A, class... B>
  constexpr auto operator()(F f, A&& a, B&&... b) const;
};

/// `src | coflow::map(f)`: `f(v)` for every value `v`. `map(f, a, b, ...)` (in
/// coflow/stages/zip.hpp) maps over several stages in step.
inline constexpr map_fn map{};

}  // namespace coflow

// The n-ary map is built on zip; zip.hpp includes this header first, so the cycle is harmless.
#include "coflow/stages/zip.hpp"
