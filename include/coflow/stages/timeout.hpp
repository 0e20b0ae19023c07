// SPDX-License-Identifier: BSL-1.0
// coflow/stages/timeout.hpp - a failure when no value arrives in time.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"
#include "coflow/core/failure.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// The failure of `timeout(d)`.
struct timeout_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The stage `upstream | timeout(d)`: the upstream's values, and a `timeout_error` failure
/// (then the end) when no value, end or failure arrives within `d` of the first pull or of
/// the previous value, by `coflow::now()`. While the upstream waits, the stage cooperates
/// until the earlier of the upstream's wake-up and the deadline.
template <stage S>
class timeout_stage : public stage_base<S> {
 public:
  using value_type = value_t<S>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "timeout";

  timeout_stage(S up, cooperate::duration d) : up_{std::move(up)}, d_{d} {}

  step<value_type> next() {
    if (ended_) return done;
    if (!armed_) {
      armed_ = true;
      deadline_ = now() + d_;
    }
    step<value_type> s = up_.next();
    if (s.has_value()) {
      deadline_ = now() + d_;
      return s;
    }
    if (!s.is_cooperate()) {
      ended_ = true;
      return s;
    }
    if (now() < deadline_) return earliest(s.cooperation(), detail::until(deadline_));
    ended_ = true;
    return failure::make(timeout_error{"coflow::timeout: no value within " +
                                       std::to_string(std::chrono::duration<double>(d_).count()) + " s"});
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return timeout_stage<detail::rebuilt_t<F, S>>{f(std::move(up_)), d_};
  }

 private:
  S up_;
  cooperate::duration d_;
  std::chrono::steady_clock::time_point deadline_{};
  bool armed_ = false, ended_ = false;
};

struct timeout_fn {
  template <class S>
  static constexpr auto apply(S&& up, cooperate::duration d) {
    return timeout_stage<std::remove_cvref_t<S>>{std::forward<S>(up), d};
  }
  template <class D>
  constexpr auto operator()(D d) const {
    if constexpr (!std::is_convertible_v<D, cooperate::duration>) {
      static_assert(detail::always_false<D>,
                    "coflow::timeout: the time must be a std::chrono::duration of at most nanosecond "
                    "precision (write 5s, "
                    "not 5)");
      return detail::ill_formed{};
    } else {
      return make_closure<timeout_fn>(cooperate::duration{d});
    }
  }
};

/// `src | coflow::timeout(d)`: fails with `timeout_error` when `src` is silent for `d`.
inline constexpr timeout_fn timeout{};

}  // namespace coflow
