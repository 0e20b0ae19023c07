// SPDX-License-Identifier: BSL-1.0
// coflow/stages/map.hpp - apply a function to every value; `map(f, a, b, ...)` over a zip.
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"
#include "coflow/stages/zip.hpp"

namespace coflow {

namespace detail {
/// `f`'s result, except that a reference is taken as a value when the upstream gives values:
/// it may refer into the argument (`map(&person::name)`), which lives only for the call.
/// A tuple value's elements are passed one by one to a function that takes them (see
/// `invoke_unpacked`).
template <class F, class V>
using map_result_t = std::conditional_t<std::is_reference_v<V>, invoke_unpacked_result_t<F&, V>,
                                        std::remove_cvref_t<invoke_unpacked_result_t<F&, V>>>;

template <stage S, class F>
struct map_core {
  using value_type = map_result_t<F, value_t<S>>;
  static constexpr std::string_view stage_name = "map";
  F f;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    return emit(detail::invoke_unpacked(f, std::forward<V>(v)));
  }
};
}  // namespace detail

/// The stage `upstream | map(f)`: gives `f(v)` for each upstream value `v`, or `f(x, y, ...)`
/// for a tuple value `v` = (x, y, ...) when `f` cannot take the tuple itself. An exception
/// thrown by `f` becomes a failure in the stream. Over an upstream of values, a reference
/// that `f` returns is copied (or moved) into a value, as it may refer into `v`.
template <stage S, class F>
using map_stage = adapted_stage<S, detail::map_core<S, F>>;

struct map_fn {
  // The function is taken by reference and moved into the stage once: g++ 12 at -Os (its
  // ipa-modref pass) lost the side effects of a function taken by value here, such as a
  // counter captured by reference.
  template <class S, class G>
  static constexpr auto apply(S&& up, G&& g) {
    using U = std::remove_cvref_t<S>;
    using F = std::remove_cvref_t<G>;
    if constexpr (!detail::invocable_unpacked_v<F&, value_t<U>>) {
      static_assert(detail::always_false<F, value_t<U>>,
                    "coflow::map: the function (F) cannot be called with the upstream value type (T), "
                    "nor with its elements when T is a tuple");
      return detail::ill_formed{};
    } else if constexpr (std::is_void_v<detail::invoke_unpacked_result_t<F&, value_t<U>>>) {
      static_assert(detail::always_false<F>,
                    "coflow::map: the function returns void; a map must give a value (use "
                    "for_each to consume values)");
      return detail::ill_formed{};
    } else {
      return map_stage<U, F>{std::forward<S>(up), std::forward<G>(g)};
    }
  }

  /// `src | map(f)`
  template <class F>
  constexpr auto operator()(F f) const {
    return make_closure<map_fn>(std::move(f));
  }

  /// `map(f, a, b, ...)`: `f` over the stages zipped (defined below).
  template <class F, class A, class... B>
  constexpr auto operator()(F f, A&& a, B&&... b) const;
};

/// `src | coflow::map(f)`: `f(v)` for every value `v` (`zip(a, b) | map([](int x, int y) {...})`
/// takes a tuple's elements). `map(f, a, b, ...)` maps over several
/// stages in step.
inline constexpr map_fn map{};

namespace detail {
/// Calls `f` with a zipped tuple's elements.
template <class F>
struct apply_to {
  F f;
  template <class Tuple>
  constexpr decltype(auto) operator()(Tuple&& t) {
    return std::apply(f, std::forward<Tuple>(t));
  }
};
}  // namespace detail

/// `map(f, a, b, ...)`: `f(va, vb, ...)` over the stages zipped (Twisted's `Map(f, a, b)`);
/// `map(f, a)` is `a | map(f)`.
///
///     auto sums = coflow::map(std::plus<>{}, std::vector{1, 2}, std::vector{10, 20});  // 11 22
template <class F, class A, class... B>
constexpr auto map_fn::operator()(F f, A&& a, B&&... b) const {
  if constexpr (detail::any_ill_formed<A, B...>) {
    return detail::ill_formed{};  // a branch's own check has said why
  } else if constexpr (!(detail::stage_like<A> && (detail::stage_like<B> && ...))) {
    static_assert(detail::always_false<A, B...>,
                  "coflow::map: an argument after the function is neither a stage nor a range");
    return detail::ill_formed{};
  } else if constexpr (!(detail::copyable_branch<A> && (detail::copyable_branch<B> && ...))) {
    static_assert(detail::always_false<A, B...>,
                  "coflow::map: a move-only stage was passed as an lvalue; std::move it in");
    return detail::ill_formed{};
  } else if constexpr (sizeof...(B) == 0) {
    return map_fn::apply(detail::as_stage(std::forward<A>(a)), std::move(f));
  } else {
    using Z = zip_stage<detail::as_stage_t<A>, detail::as_stage_t<B>...>;
    if constexpr (!std::is_invocable_v<F&, value_t<detail::as_stage_t<A>>,
                                       value_t<detail::as_stage_t<B>>...>) {
      static_assert(
          detail::always_false<F, value_t<detail::as_stage_t<A>>, value_t<detail::as_stage_t<B>>...>,
          "coflow::map: the function (F) cannot be called with the zipped value types");
      return detail::ill_formed{};
    } else if constexpr (std::is_void_v<std::invoke_result_t<F&, value_t<detail::as_stage_t<A>>,
                                                             value_t<detail::as_stage_t<B>>...>>) {
      static_assert(detail::always_false<F>,
                    "coflow::map: the function returns void; a map must give a value (use "
                    "for_each to consume values)");
      return detail::ill_formed{};
    } else {
      return map_stage<Z, detail::apply_to<F>>{
          Z{detail::as_stage(std::forward<A>(a)), detail::as_stage(std::forward<B>(b))...},
          detail::apply_to<F>{std::move(f)}};
    }
  }
}

}  // namespace coflow
