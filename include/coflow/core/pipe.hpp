// SPDX-License-Identifier: BSL-1.0
// coflow/core/pipe.hpp - `stage | adaptor(args)`: closures that build stages.
#pragma once

#include <tuple>
#include <type_traits>
#include <utility>

#include "coflow/core/as_stage.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/type_name.hpp"

namespace coflow {

/// A partially applied adaptor: `map(f)` is a closure; `src | map(f)` applies it to `src`.
template <class X>
concept pipe_closure = requires { typename std::remove_cvref_t<X>::closure_tag; };

namespace detail {
/// A sink (see coflow/sinks/sink.hpp) ends a flow: nothing may follow it.
template <class X>
concept ends_a_flow = requires { typename std::remove_cvref_t<X>::sink_tag; };

/// `a | b` of two closures: a closure applying both in turn (see closure's operator|).
struct compose_fn;
}  // namespace detail

template <class Fn, class... Args>
constexpr auto make_closure(Args&&... args);

/// The closure of an adaptor `Fn` with its bound arguments: `src | c` is
/// `Fn::apply(src, args...)`. `operator|` is a hidden friend, so a failed `|` looks only at
/// the closure on its right, and it calls `Fn::apply` itself, so a check in `apply` is one
/// instantiation away from the user's line.
template <class Fn, class... Args>
class closure {
 public:
  using closure_tag = void;

  template <class... A>
  constexpr explicit closure(std::in_place_t, A&&... a) : args_{std::forward<A>(a)...} {}

  template <class L, class R>
    requires std::is_same_v<std::remove_cvref_t<R>, closure> && (!detail::any_ill_formed<L>)
  friend constexpr auto operator|(L&& lhs, R&& rhs) {
    constexpr bool copied = !std::is_rvalue_reference_v<R&&>;
    using bound = std::conditional_t<copied, const std::tuple<Args...>&, std::tuple<Args...>&&>;
    if constexpr (copied && !std::is_copy_constructible_v<closure>) {
      static_assert(detail::always_false<Fn, Args...>,
                    "coflow: an adaptor holding a move-only value (see Args) is used as an lvalue on "
                    "the right of |, which would copy it; std::move it in");
      return detail::ill_formed{};
    } else if constexpr (pipe_closure<L>) {
      return make_closure<detail::compose_fn>(std::forward<L>(lhs), std::forward<R>(rhs));
    } else if constexpr (detail::ends_a_flow<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is a sink, which ends a flow; nothing can follow it");
      return detail::ill_formed{};
    } else if constexpr (!detail::stage_like<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is neither a stage nor a range (see the type L)");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: a move-only stage (see L) is used as an lvalue on the left of |, which "
                    "would copy it; std::move it in");
      return detail::ill_formed{};
    } else if constexpr (std::is_same_v<Fn, detail::compose_fn>) {
      // `src | (a | b)` applies a then b here, not in compose_fn::apply, which keeps a check
      // failing in `a` or `b` within the budget of lines of one diagnostic.
      return (detail::as_stage(std::forward<L>(lhs)) | std::get<0>(static_cast<bound>(rhs.args_))) |
             std::get<1>(static_cast<bound>(rhs.args_));
    } else {
      return std::apply(
          [&](std::conditional_t<copied, const Args&, Args&&>... a) {
            return Fn::apply(detail::as_stage(std::forward<L>(lhs)), static_cast<decltype(a)>(a)...);
          },
          static_cast<bound>(rhs.args_));
    }
  }

  /// `c(src)`: the same as `src | c`, for a stage already checked.
  template <class S>
  constexpr auto operator()(S&& s) && {
    return std::apply(
        [&](Args&... a) { return Fn::apply(detail::as_stage(std::forward<S>(s)), std::move(a)...); }, args_);
  }
  template <class S>
  constexpr auto operator()(S&& s) const& {
    return std::apply([&](const Args&... a) { return Fn::apply(detail::as_stage(std::forward<S>(s)), a...); },
                      args_);
  }

 private:
  std::tuple<Args...> args_;
};

template <class Fn, class... Args>
constexpr auto make_closure(Args&&... args) {
  return closure<Fn, std::decay_t<Args>...>{std::in_place, std::forward<Args>(args)...};
}

namespace detail {
/// `map(f) | filter(p)`: a reusable closure applying both in turn.
struct compose_fn {
  template <class S, class A, class B>
  static constexpr auto apply(S&& s, A&& a, B&& b) {
    return (std::forward<S>(s) | std::forward<A>(a)) | std::forward<B>(b);
  }
};
}  // namespace detail

}  // namespace coflow
