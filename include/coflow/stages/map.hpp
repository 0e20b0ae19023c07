// coflow/stages/map.hpp - apply a function to every value.
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
/// `f`'s result, except that a reference is taken as a value when the upstream gives values:
/// it may refer into the argument (`map(&person::name)`), which lives only for the call.
template <class F, class V>
using map_result_t = std::conditional_t<std::is_reference_v<V>, std::invoke_result_t<F&, V>,
                                        std::remove_cvref_t<std::invoke_result_t<F&, V>>>;

template <stage S, class F>
struct map_core {
  using value_type = map_result_t<F, value_t<S>>;
  static constexpr std::string_view stage_name = "map";
  F f;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    return emit(std::invoke(f, std::forward<V>(v)));
  }
};
}  // namespace detail

/// The stage `upstream | map(f)`: gives `f(v)` for each upstream value `v`. An exception
/// thrown by `f` becomes a failure in the stream. Over an upstream of values, a reference
/// that `f` returns is copied (or moved) into a value, as it may refer into `v`.
template <stage S, class F>
using map_stage = adapted_stage<S, detail::map_core<S, F>>;

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
