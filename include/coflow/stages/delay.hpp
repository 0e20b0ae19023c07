// SPDX-License-Identifier: BSL-1.0
// coflow/stages/delay.hpp - each value held for a while before it is given.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// The stage `upstream | delay(d)`: each value is given `d` after it was pulled from the
/// upstream (by `coflow::now()`); meanwhile the stage cooperates and does not pull the
/// upstream again, so values that arrive together come out `d` apart (pull-based: the
/// delay is also backpressure). The end and a failure are not delayed.
template <stage S>
class delay_stage : public stage_base<S> {
 public:
  using value_type = value_t<S>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "delay";

  delay_stage(S up, cooperate::duration d) : up_{std::move(up)}, d_{d} {}

  step<value_type> next() {
    if (!held_) {
      step<value_type> s = up_.next();
      if (!s.has_value()) return s;
      held_.emplace(std::move(s));
      due_ = now() + d_;
    }
    if (now() < due_) return detail::until(due_);
    return *std::exchange(held_, std::nullopt);
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return delay_stage<detail::rebuilt_t<F, S>>{f(std::move(up_)), d_};
  }

 private:
  S up_;
  cooperate::duration d_;
  std::optional<step<value_type>> held_;
  std::chrono::steady_clock::time_point due_{};
};

struct delay_fn {
  template <class S>
  static constexpr auto apply(S&& up, cooperate::duration d) {
    return delay_stage<std::remove_cvref_t<S>>{std::forward<S>(up), d};
  }
  template <class D>
  constexpr auto operator()(D d) const {
    if constexpr (!std::is_convertible_v<D, cooperate::duration>) {
      static_assert(detail::always_false<D>,
                    "coflow::delay: the time must be a std::chrono::duration of at most nanosecond precision "
                    "(write 5s, "
                    "not 5)");
      return detail::ill_formed{};
    } else {
      return make_closure<delay_fn>(cooperate::duration{d});
    }
  }
};

/// `src | coflow::delay(d)`: every value `d` later.
inline constexpr delay_fn delay{};

}  // namespace coflow
