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

template <class D>
struct closure_base;

/// A partially applied adaptor: `map(f)` is a closure; `src | map(f)` applies it to `src`.
template <class X>
concept pipe_closure = requires { typename std::remove_cvref_t<X>::closure_tag; };

namespace detail {
template <class A, class B>
class composed_closure;
}

/// CRTP base of adaptor closures. `operator|` is a hidden friend, so a failed `|` looks only
/// at the closure on its right and never lists unrelated overloads.
template <class D>
struct closure_base {
  using closure_tag = void;

  template <class L>
  friend constexpr auto operator|(L&& lhs, D rhs) {
    if constexpr (pipe_closure<L>) {
      return detail::composed_closure<std::remove_cvref_t<L>, D>{std::forward<L>(lhs), std::move(rhs)};
    } else if constexpr (std::is_same_v<std::remove_cvref_t<L>, detail::ill_formed>) {
      return detail::ill_formed{};  // an earlier stage's check failed and said why
    } else if constexpr (!detail::stage_like<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is neither a stage nor a range (see the type "
                    "L in the instantiation above)");
      return detail::ill_formed{};
    } else {
      return std::move(rhs)(detail::as_stage(std::forward<L>(lhs)));
    }
  }
};

/// The closure of an adaptor `Fn` with its bound arguments: `Fn::apply(stage, args...)`.
template <class Fn, class... Args>
class closure : public closure_base<closure<Fn, Args...>> {
 public:
  template <class... A>
  constexpr explicit closure(std::in_place_t, A&&... a) : args_{std::forward<A>(a)...} {}

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
template <class A, class B>
class composed_closure : public closure_base<composed_closure<A, B>> {
 public:
  constexpr composed_closure(A a, B b) : a_{std::move(a)}, b_{std::move(b)} {}
  template <class S>
  constexpr auto operator()(S&& s) && {
    return std::move(b_)(std::move(a_)(std::forward<S>(s)));
  }
  template <class S>
  constexpr auto operator()(S&& s) const& {
    return b_(a_(std::forward<S>(s)));
  }

 private:
  A a_;
  B b_;
};
}  // namespace detail

}  // namespace coflow
