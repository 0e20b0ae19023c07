// SPDX-License-Identifier: BSL-1.0
// coflow/stages/concat.hpp - several stages, one after another.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/merge.hpp"

namespace coflow {

/// The stage `concat(a, b, ...)`: every value of `a`, then every value of `b`, and so on; a
/// branch is pulled only once the one before it has ended. Its value type is as `merge`'s:
/// the branches' common value type, or a `std::variant` of their distinct decayed value
/// types. A branch's failure is given (then the stage ends). Over branches that cannot
/// cooperate, `drive` drives each in turn (one loop per branch).
template <stage... Ss>
class concat_stage : public stage_base<Ss...> {
 public:
  using value_type = typename detail::merge_value<Ss...>::type;
  static constexpr std::string_view stage_name = "concat";
  static constexpr std::size_t size = sizeof...(Ss);

  template <class... A>
  explicit concat_stage(std::in_place_t, A&&... a) : branches_{std::forward<A>(a)...} {}

  step<value_type> next() {
    while (at_ < size) {
      step<value_type> s = pull(at_);
      if (!s.is_done()) {
        if (s.is_failure()) at_ = size;
        return s;
      }
      ++at_;
    }
    return done;
  }

  template <class G>
    requires(drivable<Ss> && ...)
  void drive(G&& g) {
    bool more = true;
    try {
      drive_from<0>(g, more);
    } catch (...) {
      at_ = size;
      throw;
    }
  }

  /// The stage over `f(branch)` for each branch (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return boost::hana::unpack(std::move(branches_), [&](auto&&... b) {
      return concat_stage<detail::rebuilt_t<F, Ss>...>{std::in_place, f(std::move(b))...};
    });
  }

 private:
  template <std::size_t I>
  step<value_type> pull_at() {
    auto s = boost::hana::at_c<I>(branches_).next();
    if (s.has_value()) return detail::merge_wrap::value<I, value_type>(*std::move(s));
    return std::move(s).template forward_signal<value_type>();
  }

  template <std::size_t I = 0>
  step<value_type> pull(std::size_t i) {
    if constexpr (I + 1 == size) {
      return pull_at<I>();
    } else {
      if (i == I) return pull_at<I>();
      return pull<I + 1>(i);
    }
  }

  // Drives branch I (when the pull path has not passed it), then the ones after it, until
  // the consumer stops.
  template <std::size_t I, class G>
  void drive_from(G& g, bool& more) {
    if (at_ <= I) {
      at_ = I;
      boost::hana::at_c<I>(branches_).drive(
          [&](auto&& v) { return more = g(as_value<I>(std::forward<decltype(v)>(v))); });
      if (!more) return;
      at_ = I + 1;
    }
    if constexpr (I + 1 < size) drive_from<I + 1>(g, more);
  }

  template <std::size_t I, class V>
  static decltype(auto) as_value(V&& v) {
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::remove_cvref_t<value_type>> ||
                  std::is_reference_v<value_type>)
      return std::forward<V>(v);
    else
      return value_type(std::in_place_type<std::remove_cvref_t<V>>, std::forward<V>(v));
  }

  boost::hana::tuple<Ss...> branches_;
  std::size_t at_ = 0;
};

struct concat_fn {
  template <class... B>
  static constexpr auto apply(B&&... b) {
    if constexpr (!detail::all_stage_like<B...>) {
      static_assert(detail::always_false<B...>, "coflow::concat: a branch is neither a stage nor a range");
      return detail::ill_formed{};
    } else if constexpr (!(detail::copyable_branch<B> && ...)) {
      static_assert(detail::always_false<B...>,
                    "coflow::concat: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return concat_stage<detail::as_stage_t<B>...>{std::in_place, detail::as_stage(std::forward<B>(b))...};
    }
  }

  /// `concat(a, b, ...)`: a stage giving the branches' values one branch after another.
  template <class A, class B, class... C>
  constexpr auto operator()(A&& a, B&& b, C&&... c) const {
    return apply(std::forward<A>(a), std::forward<B>(b), std::forward<C>(c)...);
  }

  /// `a | concat(b)`: the same as `concat(a, b)`.
  template <class B>
  constexpr auto operator()(B&& b) const {
    if constexpr (!detail::stage_like<B>) {
      static_assert(detail::always_false<B>, "coflow::concat: a branch is neither a stage nor a range");
      return detail::ill_formed{};
    } else if constexpr (!detail::copyable_branch<B>) {
      static_assert(detail::always_false<B>,
                    "coflow::concat: a move-only stage was passed as an lvalue; std::move it in");
      return detail::ill_formed{};
    } else {
      return make_closure<concat_fn>(std::forward<B>(b));
    }
  }
};

/// `concat(a, b, ...)`: one branch after another (Rx's `concat`, range-v3's `views::concat`).
///
///     auto v = coflow::concat(std::vector{1, 2}, coflow::iota(5, 7)) | coflow::to_vector();  // 1 2 5 6
inline constexpr concat_fn concat{};

}  // namespace coflow
