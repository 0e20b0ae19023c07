// SPDX-License-Identifier: BSL-1.0
// coflow/stages/merge.hpp - interleave several stages' values in the order they become ready.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/if.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

namespace detail {

namespace hana = boost::hana;

/// The branches of a multi-branch stage (`merge`, `concurrent`) and the way they are pulled:
/// round-robin, starting after the branch that last gave a value, so that a busy branch
/// cannot starve the others. A branch that cooperates is skipped for this pull (the others
/// run) and retried on the next one; only when every live branch cooperates does the pull
/// give a cooperate: the `earliest` of theirs (it parks only when all of them park).
/// `Wrap::template value<I, R>(v)` turns branch I's value into a `step<R>`; when
/// `Wrap::passes_same_type`, a branch whose value type is `R` is returned as it is.
template <class R, class Wrap, class... Ss>
class branch_set {
 public:
  static constexpr std::size_t size = sizeof...(Ss);

  template <class... A>
  explicit branch_set(std::in_place_t, A&&... a) : branches_{std::forward<A>(a)...} {
    live_.fill(true);
  }

  step<R> next() {
    if (ended_) return done;
    cooperate wait = cooperate::park();  // the identity of `earliest`
    bool any_live = false;
    for (std::size_t k = 0; k < size; ++k) {
      std::size_t i = start_ + k;
      if (i >= size) i -= size;
      if (!live_[i]) continue;
      step<R> s = pull(i);
      if (s.has_value()) {
        start_ = i + 1 == size ? 0 : i + 1;
        return s;
      }
      if (s.is_cooperate()) {
        any_live = true;
        wait = earliest(wait, s.cooperation());
      } else if (s.is_done()) {
        live_[i] = false;
      } else {
        ended_ = true;  // a failure ends the whole stage, after the values already given
        return s;
      }
    }
    if (!any_live) {
      ended_ = true;
      return done;
    }
    return wait;
  }

  /// The branches, for a stage rebuilt over them (`with_upstreams`).
  hana::tuple<Ss...>&& take() && noexcept { return std::move(branches_); }

 private:
  template <std::size_t I>
  step<R> pull_at() {
    auto& b = hana::at_c<I>(branches_);
    if constexpr (Wrap::passes_same_type && std::is_same_v<value_t<std::remove_cvref_t<decltype(b)>>, R>) {
      return b.next();  // nothing to convert: no intermediate step
    } else {
      auto s = b.next();
      if (s.has_value()) return Wrap::template value<I, R>(*std::move(s));
      return std::move(s).template forward_signal<R>();
    }
  }

  // A runtime branch index to a compile-time one: a chain of compares, which the optimiser
  // turns into a jump table or a few branches.
  template <std::size_t I = 0>
  step<R> pull(std::size_t i) {
    if constexpr (I + 1 == size) {
      return pull_at<I>();
    } else {
      if (i == I) return pull_at<I>();
      return pull<I + 1>(i);
    }
  }

  hana::tuple<Ss...> branches_;
  std::array<bool, size> live_{};
  std::size_t start_ = 0;
  bool ended_ = false;
};

/// The distinct decayed value types of stages `Ss`, in order of first appearance.
template <class... Ss>
constexpr auto distinct_value_types() {
  return hana::fold_left(hana::tuple_t<stored_value_t<Ss>...>, hana::tuple_t<>, [](auto seen, auto t) {
    return hana::if_(hana::contains(seen, t), seen, hana::append(seen, t));
  });
}

template <class... Ss>
struct merge_value {
  static constexpr auto distinct = distinct_value_types<Ss...>();
  using type = typename decltype(hana::if_(hana::length(distinct) == hana::size_c<1>, hana::at_c<0>(distinct),
                                           hana::unpack(distinct, hana::template_<std::variant>)))::type;
};
// Branches that all give exactly the same type (references included) keep it.
template <class S, class... Ss>
  requires(std::is_same_v<value_t<S>, value_t<Ss>> && ...)
struct merge_value<S, Ss...> {
  using type = value_t<S>;
};

struct merge_wrap {
  static constexpr bool passes_same_type = true;
  template <std::size_t I, class Out, class V>
  static step<Out> value(V&& v) {
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::remove_cvref_t<Out>> ||
                  std::is_reference_v<Out>) {
      return step<Out>(std::forward<V>(v));
    } else {
      return step<Out>(std::in_place, std::in_place_type<std::remove_cvref_t<V>>, std::forward<V>(v));
    }
  }
};

// What `merge` and `concurrent` accept as branches.
template <class... B>
constexpr bool all_stage_like = (stage_like<B> && ...);
}  // namespace detail

/// The stage `merge(a, b, ...)`: the branches' values in the order they become ready (see
/// `detail::branch_set` for the order). Its value type is the branches' common value type,
/// or a `std::variant` of their distinct decayed value types. A branch's failure is given
/// (then the stage ends); the stage ends when every branch has ended.
template <stage... Ss>
class merge_stage : public stage_base<Ss...> {
 public:
  using value_type = typename detail::merge_value<Ss...>::type;
  static constexpr std::string_view stage_name = "merge";

  template <class... A>
  explicit merge_stage(std::in_place_t, A&&... a) : branches_{std::in_place, std::forward<A>(a)...} {}

  step<value_type> next() { return branches_.next(); }

  /// The stage over `f(branch)` for each branch (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return boost::hana::unpack(std::move(branches_).take(), [&](auto&&... b) {
      return merge_stage<detail::rebuilt_t<F, Ss>...>{std::in_place, f(std::move(b))...};
    });
  }

 private:
  detail::branch_set<value_type, detail::merge_wrap, Ss...> branches_;
};

struct merge_fn {
  template <class... B>
  static constexpr auto apply(B&&... b) {
    if constexpr (detail::any_ill_formed<B...>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!detail::all_stage_like<B...>) {
      static_assert(detail::always_false<B...>,
                    "coflow::merge: a branch is neither a stage nor a range (see the types B)");
      return detail::ill_formed{};
    } else if constexpr (!(detail::copyable_branch<B> && ...)) {
      static_assert(detail::always_false<B...>,
                    "coflow::merge: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return merge_stage<detail::as_stage_t<B>...>{std::in_place, detail::as_stage(std::forward<B>(b))...};
    }
  }

  /// `merge(a, b, ...)`: a stage interleaving the branches.
  template <class A, class B, class... C>
  constexpr auto operator()(A&& a, B&& b, C&&... c) const {
    return apply(std::forward<A>(a), std::forward<B>(b), std::forward<C>(c)...);
  }

  /// `a | merge(b)`: the same as `merge(a, b)`.
  template <class B>
  constexpr auto operator()(B&& b) const {
    if constexpr (detail::any_ill_formed<B>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!detail::stage_like<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::merge: a branch is neither a stage nor a range (see the types B)");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::merge: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return make_closure<merge_fn>(std::forward<B>(b));
    }
  }
};

/// Twisted's `Merge(a, b)`: the values of several stages in readiness order; a branch that
/// cooperates lets the others run.
///
///     auto m = coflow::merge(coflow::scripted<std::string>({"one", "two", coflow::cooperate{}, "three"}),
///                            coflow::from({1, 2, 3}));
///     // one 1 two 2 3 three, as std::variant<std::string, int>
///     auto n = coflow::from({1, 2}) | coflow::merge(coflow::from({3, 4}));  // ints: 1 3 2 4
inline constexpr merge_fn merge{};

}  // namespace coflow
