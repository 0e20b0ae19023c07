// SPDX-License-Identifier: BSL-1.0
// coflow/stages/chunk_by.hpp - runs of consecutive values that belong together.
#pragma once

#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S, class P>
struct chunk_by_core {
  using value_type = std::vector<stored_value_t<S>>;
  static constexpr std::string_view stage_name = "chunk_by";
  // A run may be as long as the input.
  static constexpr std::size_t buffer_bound = unbounded;
  P pred;
  value_type run{};

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    if (run.empty() || std::invoke(pred, std::as_const(run.back()), std::as_const(v))) {
      run.emplace_back(std::forward<V>(v));
      return true;
    }
    value_type full = std::exchange(run, value_type{});
    run.emplace_back(std::forward<V>(v));
    return emit(std::move(full));
  }
  // The last run goes before the end and before a failure, as chunk's partial chunk.
  template <class Emit>
  void on_end(Emit& emit) {
    if (!run.empty()) emit(std::exchange(run, value_type{}));
  }
  template <class Emit>
  void on_failure(Emit& emit) {
    on_end(emit);
  }
};
}  // namespace detail

/// The stage `upstream | chunk_by(pred)`: `std::vector`s of consecutive values, a new one
/// starting where `pred(previous, v)` is false (C++23's `views::chunk_by`). With
/// `chunk_by(key)` of one argument, a run is the values of equal `key(v)` (a consecutive
/// `group_by`). The last run is given before the end and before a failure.
template <stage S, class P>
using chunk_by_stage = adapted_stage<S, detail::chunk_by_core<S, P>>;

namespace detail {
/// `chunk_by(key)`: two values belong together when their keys are equal.
template <class Key>
struct same_key {
  Key key;
  template <class A, class B>
  bool operator()(const A& a, const B& b) {
    return invoke_unpacked(key, a) == invoke_unpacked(key, b);
  }
};
}  // namespace detail

struct chunk_by_fn {
  template <class S, class Q>
  static constexpr auto apply(S&& up, Q&& q) {
    using U = std::remove_cvref_t<S>;
    using P = std::remove_cvref_t<Q>;
    using arg = const stored_value_t<U>&;
    if constexpr (detail::invocable_unpacked_v<P&, arg> && !std::is_invocable_v<P&, arg, arg>) {
      if constexpr (!std::equality_comparable<detail::invoke_unpacked_result_t<P&, arg>>) {
        static_assert(detail::always_false<P>, "coflow::chunk_by: the key has no operator==");
        return detail::ill_formed{};
      } else {
        return apply(std::forward<S>(up), detail::same_key<P>{std::forward<Q>(q)});
      }
    } else if constexpr (!std::is_invocable_v<P&, arg, arg>) {
      static_assert(detail::always_false<P>,
                    "coflow::chunk_by: the predicate cannot be called with two upstream values (nor the key "
                    "function with one)");
      return detail::ill_formed{};
    } else if constexpr (!std::is_convertible_v<std::invoke_result_t<P&, arg, arg>, bool>) {
      static_assert(detail::always_false<P>,
                    "coflow::chunk_by: the predicate does not return something convertible to bool");
      return detail::ill_formed{};
    } else {
      return chunk_by_stage<U, P>{std::forward<S>(up), std::forward<Q>(q)};
    }
  }

  template <class P>
  constexpr auto operator()(P p) const {
    return make_closure<chunk_by_fn>(std::move(p));
  }
};

/// `src | coflow::chunk_by(pred)`: runs of values where `pred(previous, v)` holds;
/// `chunk_by(key)`: runs of equal keys.
///
///     auto v = std::vector{1, 2, 4, 5} | coflow::chunk_by([](int a, int b) { return b == a + 1; });  //
///     {1,2} {4,5}
inline constexpr chunk_by_fn chunk_by{};

}  // namespace coflow
