// SPDX-License-Identifier: BSL-1.0
// coflow/stages/throttle.hpp - at most one value per period.
#pragma once

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

/// The stage `upstream | throttle(period)`: the upstream's values, at most one per `period`
/// (by `coflow::now()`): after a value, the upstream is not pulled until `period` has passed,
/// and the stage cooperates until then. Nothing is dropped: a fast producer is slowed
/// (backpressure), as a rate limiter in front of a service does.
template <stage S>
class throttle_stage : public stage_base<S> {
 public:
  using value_type = value_t<S>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "throttle";

  throttle_stage(S up, cooperate::duration period) : up_{std::move(up)}, period_{period} {}

  step<value_type> next() {
    if (started_ && now() < next_) return detail::until(next_);
    step<value_type> s = up_.next();
    if (s.has_value()) {
      started_ = true;
      next_ = now() + period_;
    }
    return s;
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return throttle_stage<detail::rebuilt_t<F, S>>{f(std::move(up_)), period_};
  }

 private:
  S up_;
  cooperate::duration period_;
  std::chrono::steady_clock::time_point next_{};
  bool started_ = false;
};

struct throttle_fn {
  template <class S>
  static constexpr auto apply(S&& up, cooperate::duration period) {
    return throttle_stage<std::remove_cvref_t<S>>{std::forward<S>(up), period};
  }
  template <class D>
  constexpr auto operator()(D period) const {
    if constexpr (!std::is_convertible_v<D, cooperate::duration>) {
      static_assert(detail::always_false<D>,
                    "coflow::throttle: the time must be a std::chrono::duration of at most nanosecond "
                    "precision (write 5s, "
                    "not 5)");
      return detail::ill_formed{};
    } else {
      return make_closure<throttle_fn>(cooperate::duration{period});
    }
  }
};

/// `src | coflow::throttle(100ms)`: at most ten values a second.
inline constexpr throttle_fn throttle{};

}  // namespace coflow
