// SPDX-License-Identifier: BSL-1.0
// coflow/stages/zip.hpp - pull several stages in step.
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <limits>
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

/// The stage `zip(a, b, ...)`: one `std::tuple` of the branches' values per round; ends when
/// any branch ends (the shortest wins).
///
/// The tuple keeps the branches' value types as they are, references included (as range-v3's
/// `views::zip` does): zipping `from(v)` of an lvalue vector gives `std::tuple<int&, ...>`
/// that refers into `v`. A `to_vector()` then stores tuples of references; ask for copies
/// with `to_vector<std::tuple<int, std::string>>()` or zip owned ranges (`from(std::move(v))`).
///
/// Pulling: each branch is pulled in order. A branch that cooperates makes the zip cooperate;
/// the values already pulled from the branches before it are kept for the next pull, so
/// nothing is lost or reordered. A failure in any branch is forwarded (after the tuples given
/// before it) and ends the zip; so does the end of any branch.
template <stage... S>
class zip_stage : public stage_base<S...> {
  static_assert(detail::at_least_two<S...>, "coflow::zip: needs at least two branches");
  static constexpr std::size_t n = sizeof...(S);

 public:
  using value_type = std::tuple<value_t<S>...>;
  // Besides the branches' own buffers, one round holds up to n - 1 values.
  static constexpr std::size_t buffer_bound = detail::add_bounds(detail::sum_bounds<S...>(), n - 1);
  static constexpr std::string_view stage_name = "zip";

  explicit zip_stage(S... s) : branches_{std::move(s)...} {}

  step<value_type> next() {
    if (ended_) return done;
    return round(std::index_sequence_for<S...>{});
  }

  /// The push loop, when no branch can cooperate: the rounds of `next()`, a failure thrown as
  /// everywhere in `drive`. When every branch lends a cursor (ranges, `iota`, `just`), one
  /// loop walks all of them instead.
  template <class G>
    requires(!stage_base<S...>::can_cooperate)
  void drive(G&& g) {
    if (ended_) return;
    if constexpr ((lends_cursor<S> && ...))
      drive_in_lock_step(g, std::index_sequence_for<S...>{});
    else
      detail::drive_by_pulling(*this, g);
  }

  /// `a | zip(b, c)` is `zip(a, b, c)`: a zip on the right of `|` takes the left side as
  /// its first branch.
  template <class L>
    requires(!detail::any_ill_formed<L>)
  friend constexpr auto operator|(L&& lhs, zip_stage rhs) {
    if constexpr (!detail::stage_like<L>) {
      static_assert(detail::always_false<L>,
                    "coflow: the left side of | is neither a stage nor a range (see the type L)");
      return detail::ill_formed{};
    } else {
      return boost::hana::unpack(std::move(rhs.branches_), [&](auto&&... b) {
        return zip_stage<detail::as_stage_t<L>, S...>{detail::as_stage(std::forward<L>(lhs)),
                                                      std::move(b)...};
      });
    }
  }

  /// The stage over `f(branch)` for each branch (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return boost::hana::unpack(std::move(branches_), [&](auto&&... b) {
      return zip_stage<detail::rebuilt_t<F, S>...>{f(std::move(b))...};
    });
  }

 private:
  // Pulls branch I unless this round already holds its value; false (with `stop` set) when
  // the branch gave something other than a value.
  template <std::size_t I>
  bool pull_branch(std::optional<step<value_type>>& stop) {
    auto& slot = boost::hana::at_c<I>(held_);
    if (slot) return true;
    auto s = boost::hana::at_c<I>(branches_).next();
    if (s.has_value()) {
      slot.emplace(std::move(s));
      return true;
    }
    stop.emplace(std::move(s).template forward_signal<value_type>());
    return false;
  }

  template <std::size_t... I>
  step<value_type> round(std::index_sequence<I...>) {
    std::optional<step<value_type>> stop;
    if (!(pull_branch<I>(stop) && ...)) {
      if (!stop->is_cooperate()) end();
      return std::move(*stop);
    }
    step<value_type> out{std::in_place, *std::move(*boost::hana::at_c<I>(held_))...};
    (boost::hana::at_c<I>(held_).reset(), ...);
    return out;
  }

  // `drive` over branches that all lend cursors: the positions live in locals of this loop
  // (registers, as in a hand-written loop over several iterators) and are given back at the
  // end. Branches that know how many items they have left (sized ranges) are not compared
  // with their ends: the loop counts down the smallest of those counts instead, so a zip of
  // vectors costs one comparison per round, as an indexed loop does. A round handed to `g`
  // is consumed even when `g` throws, as with `next()`.
  template <class G, std::size_t... I>
  void drive_in_lock_step(G& g, std::index_sequence<I...>) {
    using cursors = std::tuple<typename S::cursor...>;
    cursors at{boost::hana::at_c<I>(branches_).lend_cursor()...};
    struct give_back {
      zip_stage& self;
      cursors& at;
      ~give_back() { (boost::hana::at_c<I>(self.branches_).take_back(std::get<I>(at)), ...); }
    } on_exit{*this, at};
    auto count_of = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) -> std::ptrdiff_t {
      auto& b = boost::hana::at_c<J>(branches_);
      if constexpr (detail::counts_remaining<std::remove_cvref_t<decltype(b)>>)
        return b.remaining(std::get<J>(at));
      else
        return std::numeric_limits<std::ptrdiff_t>::max();
    };
    auto exhausted = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) -> bool {
      auto& b = boost::hana::at_c<J>(branches_);
      if constexpr (detail::counts_remaining<std::remove_cvref_t<decltype(b)>>)
        return false;
      else
        return b.at_end(std::get<J>(at));
    };
    std::ptrdiff_t left = std::numeric_limits<std::ptrdiff_t>::max();
    auto at_most = [&left](std::ptrdiff_t c) { left = c < left ? c : left; };  // no <algorithm>
    (at_most(count_of(std::integral_constant<std::size_t, I>{})), ...);
    for (; left > 0 && !(exhausted(std::integral_constant<std::size_t, I>{}) || ...); --left) {
      struct advance_all {
        cursors& at;
        ~advance_all() { (S::advance(std::get<I>(at)), ...); }
      };
      bool more;
      {
        advance_all after_round{at};
        more = g(value_type{boost::hana::at_c<I>(branches_).read(std::get<I>(at))...});
      }
      if (!more) return;
    }
    end();
  }

  void end() {
    ended_ = true;
    boost::hana::unpack(held_, [](auto&... slot) { (slot.reset(), ...); });
  }

  boost::hana::tuple<S...> branches_;
  boost::hana::tuple<std::optional<step<value_t<S>>>...> held_;
  bool ended_ = false;
};

struct zip_fn {
  template <class S, class... B>
  static constexpr auto apply(S&& up, B&&... branches) {
    return zip_stage<std::remove_cvref_t<S>, std::remove_cvref_t<B>...>{std::forward<S>(up),
                                                                        std::forward<B>(branches)...};
  }

  /// `a | zip(b)`: the branch is made a stage now, so an lvalue range is referred to, not copied.
  template <class B>
  constexpr auto operator()(B&& b) const {
    if constexpr (detail::any_ill_formed<B>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!detail::stage_like<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::zip: a branch (an argument of zip) is neither a stage nor a range; "
                    "wrap a single value with coflow::just");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::zip: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return make_closure<zip_fn>(detail::as_stage(std::forward<B>(b)));
    }
  }

  /// `zip(a, b, ...)`: a stage; ranges are wrapped with `from` (an lvalue range is referred
  /// to), stages are moved in (an lvalue stage is copied: pass generators with std::move).
  template <class A, class B, class... C>
  constexpr auto operator()(A&& a, B&& b, C&&... c) const {
    if constexpr (detail::any_ill_formed<A, B, C...>) {
      return detail::ill_formed{};  // its own check has said why
    } else if constexpr (!(detail::stage_like<A> && detail::stage_like<B> &&
                           (detail::stage_like<C> && ...))) {
      static_assert(detail::always_false<A, B, C...>,
                    "coflow::zip: a branch (an argument of zip) is neither a stage nor a range; "
                    "wrap a single value with coflow::just");
      return detail::ill_formed{};
    } else if constexpr (!(detail::copyable_branch<A> && detail::copyable_branch<B> &&
                           (detail::copyable_branch<C> && ...))) {
      static_assert(detail::always_false<A, B, C...>,
                    "coflow::zip: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return zip_stage<detail::as_stage_t<A>, detail::as_stage_t<B>, detail::as_stage_t<C>...>{
          detail::as_stage(std::forward<A>(a)), detail::as_stage(std::forward<B>(b)),
          detail::as_stage(std::forward<C>(c))...};
    }
  }
};

/// Pairs values up, stopping at the shortest branch:
///
///     auto z = coflow::zip(std::vector{1, 2, 3}, coflow::scripted<std::string>({"one", "two"}));
///     // (1, "one") (2, "two")
///     auto same = coflow::from(std::vector{1, 2, 3}) | coflow::zip(names);
inline constexpr zip_fn zip{};

}  // namespace coflow
