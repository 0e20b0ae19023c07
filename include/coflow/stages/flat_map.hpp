// SPDX-License-Identifier: BSL-1.0
// coflow/stages/flat_map.hpp - each value to a stage or a range, whose values are given in turn.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

namespace detail {
template <stage S, class F>
using flat_map_inner_t = as_stage_t<invoke_unpacked_result_t<F&, value_t<S>>>;
}  // namespace detail

/// The stage `upstream | flat_map(f)`: for each upstream value `v`, every value of the stage
/// (or range, as `from` takes it) `f(v)` (`f(x, y, ...)` for a tuple's elements, as `map`),
/// then the next upstream value (range-v3's
/// `for_each`, Rx's `concat_map`). The inner stage may cooperate; its cooperates and its
/// failure are given as they come, and a failure (of the upstream, of `f` or of an inner
/// stage) ends the stage after the values before it.
template <stage S, class F>
class flat_map_stage : public stage_base<S, detail::flat_map_inner_t<S, F>> {
  using inner_t = detail::flat_map_inner_t<S, F>;

 public:
  using value_type = value_t<inner_t>;
  static constexpr std::string_view stage_name = "flat_map";

  template <class G>
  flat_map_stage(S up, G&& g) : up_{std::move(up)}, f_{std::forward<G>(g)} {}

  step<value_type> next() {
    for (;;) {
      if (inner_) {
        step<value_type> s = inner_->next();
        if (!s.is_done()) {
          if (s.is_failure()) end();
          return s;
        }
        inner_.reset();
      }
      if (ended_) return done;
      step<value_t<S>> u = up_.next();
      if (!u.has_value()) {
        if (!u.is_cooperate()) ended_ = true;
        return std::move(u).template forward_signal<value_type>();
      }
      try {
        inner_.emplace(detail::as_stage(detail::invoke_unpacked(f_, *std::move(u))));
      } catch (...) {
        ended_ = true;
        return failure::current();
      }
    }
  }

  template <class G>
    requires drivable<S> && drivable<inner_t>
  void drive(G&& g) {
    bool more = true;
    auto give = [&](auto&& x) { return more = g(std::forward<decltype(x)>(x)); };
    try {
      if (inner_) inner_->drive(give);
      inner_.reset();
      if (!more || ended_) return;
      up_.drive([&](auto&& v) {
        detail::as_stage(detail::invoke_unpacked(f_, std::forward<decltype(v)>(v))).drive(give);
        return more;
      });
    } catch (...) {
      end();
      throw;
    }
    if (more) ended_ = true;
  }

 private:
  void end() {
    inner_.reset();
    ended_ = true;
  }

  S up_;
  F f_;
  std::optional<inner_t> inner_;
  bool ended_ = false;
};

struct flat_map_fn {
  template <class S, class G>
  static constexpr auto apply(S&& up, G&& g) {
    using U = std::remove_cvref_t<S>;
    using F = std::remove_cvref_t<G>;
    if constexpr (!detail::invocable_unpacked_v<F&, value_t<U>>) {
      static_assert(detail::always_false<F>,
                    "coflow::flat_map: the function cannot be called with the upstream value type, nor with "
                    "its elements when it is a tuple");
      return detail::ill_formed{};
    } else if constexpr (!detail::stage_like<detail::invoke_unpacked_result_t<F&, value_t<U>>>) {
      static_assert(detail::always_false<F>,
                    "coflow::flat_map: the function returns neither a stage nor a range");
      return detail::ill_formed{};
    } else {
      return flat_map_stage<U, F>{std::forward<S>(up), std::forward<G>(g)};
    }
  }

  template <class F>
  constexpr auto operator()(F f) const {
    return make_closure<flat_map_fn>(std::move(f));
  }
};

/// `src | coflow::flat_map(f)`: the values of `f(v)` for each value `v`, in order.
///
///     auto v = coflow::iota(1, 4) | coflow::flat_map([](int n) { return coflow::iota(0, n); });  // 0 0 1 0
///     1 2
inline constexpr flat_map_fn flat_map{};

}  // namespace coflow
