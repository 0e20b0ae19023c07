// SPDX-License-Identifier: BSL-1.0
// coflow/stages/zip_longest.hpp - pull several stages in step, padding the ended ones.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// The stage `zip_longest(a, b, ...)`: one `std::tuple<std::optional<V>...>` per round, an
/// empty optional standing for a branch that has ended; ends when every branch has ended
/// (Twisted's `Zip`, which pads with `None`).
///
/// An optional cannot hold a reference, so a branch of references is padded with copies of
/// its values (`std::optional<std::remove_cvref_t<V>>`).
/// Pulling follows `zip`: branches in order, a cooperate keeps the values already pulled this
/// round, a failure is forwarded after the tuples before it and ends the stage.
template <stage... S>
class zip_longest_stage : public stage_base<S...> {
  static_assert(detail::at_least_two<S...>, "coflow::zip_longest: needs at least two branches");
  static constexpr std::size_t n = sizeof...(S);

 public:
  using value_type = std::tuple<std::optional<stored_value_t<S>>...>;
  // Besides the branches' own buffers, one round holds up to n - 1 values.
  static constexpr std::size_t buffer_bound = detail::add_bounds(detail::sum_bounds<S...>(), n - 1);
  static constexpr std::string_view stage_name = "zip_longest";

  explicit zip_longest_stage(S... s) : branches_{std::move(s)...} {}

  step<value_type> next() {
    if (ended_) return done;
    return round(std::index_sequence_for<S...>{});
  }

  /// `a | zip_longest(b, c)` is `zip_longest(a, b, c)`.
  template <class L>
    requires(!detail::any_ill_formed<L>)
  friend constexpr auto operator|(L&& lhs, zip_longest_stage rhs) {
    if constexpr (!detail::stage_like<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is neither a stage nor a range (see the type L)");
      return detail::ill_formed{};
    } else {
      return boost::hana::unpack(std::move(rhs.branches_), [&](auto&&... b) {
        return zip_longest_stage<detail::as_stage_t<L>, S...>{detail::as_stage(std::forward<L>(lhs)),
                                                              std::move(b)...};
      });
    }
  }

  /// The stage over `f(branch)` for each branch (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return boost::hana::unpack(std::move(branches_), [&](auto&&... b) {
      return zip_longest_stage<detail::rebuilt_t<F, S>...>{f(std::move(b))...};
    });
  }

 private:
  // Pulls branch I unless it has ended or this round already has its value; false (with
  // `stop` set) on a cooperate or a failure.
  template <std::size_t I>
  bool pull_branch(std::optional<step<value_type>>& stop) {
    if (finished_[I] || pulled_[I]) return true;
    auto s = boost::hana::at_c<I>(branches_).next();
    if (s.has_value()) {
      std::get<I>(held_).emplace(*std::move(s));
      pulled_[I] = true;
      return true;
    }
    if (s.is_done()) {
      finished_[I] = true;
      return true;
    }
    stop.emplace(std::move(s).template forward_signal<value_type>());
    return false;
  }

  template <std::size_t... I>
  step<value_type> round(std::index_sequence<I...>) {
    std::optional<step<value_type>> stop;
    if (!(pull_branch<I>(stop) && ...)) {
      if (stop->is_failure()) ended_ = true;
      return std::move(*stop);
    }
    if ((finished_[I] && ...)) {
      ended_ = true;
      return done;
    }
    step<value_type> out{std::in_place, std::move(std::get<I>(held_))...};
    held_ = {};
    pulled_ = {};
    return out;
  }

  boost::hana::tuple<S...> branches_;
  value_type held_;
  std::array<bool, n> pulled_{};
  std::array<bool, n> finished_{};
  bool ended_ = false;
};

struct zip_longest_fn {
  template <class S, class... B>
  static constexpr auto apply(S&& up, B&&... branches) {
    return zip_longest_stage<std::remove_cvref_t<S>, std::remove_cvref_t<B>...>{std::forward<S>(up),
                                                                                std::forward<B>(branches)...};
  }

  /// `a | zip_longest(b)`
  template <class B>
  constexpr auto operator()(B&& b) const {
    if constexpr (detail::any_ill_formed<B>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!detail::stage_like<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::zip_longest: a branch (an argument of zip_longest) is neither a stage "
                    "nor a range; wrap a single value with coflow::just");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::zip_longest: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return make_closure<zip_longest_fn>(detail::as_stage(std::forward<B>(b)));
    }
  }

  /// `zip_longest(a, b, ...)`
  template <class A, class B, class... C>
  constexpr auto operator()(A&& a, B&& b, C&&... c) const {
    if constexpr (detail::any_ill_formed<A, B, C...>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!(detail::stage_like<A> && detail::stage_like<B> &&
                           (detail::stage_like<C> && ...))) {
      static_assert(detail::always_false<A, B, C...>,
                    "coflow::zip_longest: a branch (an argument of zip_longest) is neither a stage "
                    "nor a range; wrap a single value with coflow::just");
      return detail::ill_formed{};
    } else if constexpr (!(detail::copyable_branch<A> && detail::copyable_branch<B> &&
                           (detail::copyable_branch<C> && ...))) {
      static_assert(detail::always_false<A, B, C...>,
                    "coflow::zip_longest: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return zip_longest_stage<detail::as_stage_t<A>, detail::as_stage_t<B>, detail::as_stage_t<C>...>{
          detail::as_stage(std::forward<A>(a)), detail::as_stage(std::forward<B>(b)),
          detail::as_stage(std::forward<C>(c))...};
    }
  }
};

/// Pairs values up until every branch has ended, padding with empty optionals:
///
///     auto z = coflow::zip_longest(std::vector{1, 2, 3}, std::vector<std::string>{"a", "b"});
///     // (1, a) (2, b) (3, nullopt)
inline constexpr zip_longest_fn zip_longest{};

}  // namespace coflow
