// SPDX-License-Identifier: BSL-1.0
// coflow/stages/concurrent.hpp - which of several stages is ready, with its value.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/hana/unpack.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/merge.hpp"

namespace coflow {

namespace detail {
template <class... Ss>
struct concurrent_value {
  using type = std::variant<stored_value_t<Ss>...>;
};
template <class S, class... Ss>
  requires(std::is_same_v<stored_value_t<S>, stored_value_t<Ss>> && ...)
struct concurrent_value<S, Ss...> {
  using type = std::pair<std::size_t, stored_value_t<S>>;
};

struct concurrent_wrap {
  static constexpr bool passes_same_type = false;  // every value is tagged with its branch
  template <std::size_t I, class Out, class V>
  static step<Out> value(V&& v) {
    if constexpr (requires { typename Out::first_type; })
      return step<Out>(std::in_place, I, std::forward<V>(v));
    else
      return step<Out>(std::in_place, std::in_place_index<I>, std::forward<V>(v));
  }
};
}  // namespace detail

/// The stage `concurrent(a, b, ...)`: like `merge` (same readiness order, same cooperation,
/// a branch's failure is given and ends the stage), but each value says which branch gave it.
/// Its value type is `std::pair<std::size_t, V>` (branch index, value) when every branch gives
/// the same decayed type `V`; otherwise a `std::variant` with one alternative per branch, whose
/// `index()` is the branch index (so two branches of one type stay distinguishable).
template <stage... Ss>
class concurrent_stage : public stage_base<Ss...> {
 public:
  using value_type = typename detail::concurrent_value<Ss...>::type;
  static constexpr std::string_view stage_name = "concurrent";

  template <class... A>
  explicit concurrent_stage(std::in_place_t, A&&... a) : branches_{std::in_place, std::forward<A>(a)...} {}

  step<value_type> next() { return branches_.next(); }

  /// The stage over `f(branch)` for each branch (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return boost::hana::unpack(std::move(branches_).take(), [&](auto&&... b) {
      return concurrent_stage<detail::rebuilt_t<F, Ss>...>{std::in_place, f(std::move(b))...};
    });
  }

 private:
  detail::branch_set<value_type, detail::concurrent_wrap, Ss...> branches_;
};

struct concurrent_fn {
  template <class... B>
  static constexpr auto apply(B&&... b) {
    if constexpr (detail::any_ill_formed<B...>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!detail::all_stage_like<B...>) {
      static_assert(detail::always_false<B...>,
                    "coflow::concurrent: a branch is neither a stage nor a range (see the types B)");
      return detail::ill_formed{};
    } else if constexpr (!(detail::copyable_branch<B> && ...)) {
      static_assert(detail::always_false<B...>,
                    "coflow::concurrent: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return concurrent_stage<detail::as_stage_t<B>...>{std::in_place,
                                                        detail::as_stage(std::forward<B>(b))...};
    }
  }

  /// `concurrent(a, b, ...)`
  template <class A, class B, class... C>
  constexpr auto operator()(A&& a, B&& b, C&&... c) const {
    return apply(std::forward<A>(a), std::forward<B>(b), std::forward<C>(c)...);
  }

  /// `a | concurrent(b)`: the same as `concurrent(a, b)`.
  template <class B>
  constexpr auto operator()(B&& b) const {
    if constexpr (detail::any_ill_formed<B>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!detail::stage_like<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::concurrent: a branch is neither a stage nor a range (see the types B)");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::concurrent: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return make_closure<concurrent_fn>(std::forward<B>(b));
    }
  }
};

/// Twisted's `Concurrent(a, b)`: yields which branch is ready and its value.
///
///     auto [a, sa] = coflow::make_callback<int>();
///     auto [b, sb] = coflow::make_callback<int>();
///     auto c = coflow::concurrent(std::move(sa), std::move(sb));
///     a.push(1);
///     c.next();  // (0, 1): std::pair<std::size_t, int>
inline constexpr concurrent_fn concurrent{};

}  // namespace coflow
