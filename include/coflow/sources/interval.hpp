// SPDX-License-Identifier: BSL-1.0
// coflow/sources/interval.hpp - a ticking source: 0, 1, 2, ... one every period.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string_view>

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/step.hpp"

namespace coflow {

/// The source `interval(period)`: the tick numbers 0, 1, 2, ..., tick `i` given no earlier
/// than `(i + 1) * period` after the first pull, by `coflow::now()` (so on virtual time under
/// a scheduler made with a `virtual_clock`). Between ticks it cooperates until the next one.
/// Endless: end it with `take`, `take_while` or `timeout`. Ticks are not skipped when the
/// consumer is late; they come as fast as it pulls until they have caught up.
class interval_source : public stage_base<> {
 public:
  using value_type = std::size_t;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "interval";

  /// Throws std::invalid_argument when `period` is not positive.
  explicit interval_source(cooperate::duration period) : period_{period} {
    if (period <= cooperate::duration::zero())
      throw std::invalid_argument("coflow::interval: the period must be positive");
  }

  step<std::size_t> next() {
    if (!started_) {
      started_ = true;
      due_ = now() + period_;
    }
    if (now() < due_) return detail::until(due_);
    due_ += period_;
    return ticks_++;
  }

 private:
  cooperate::duration period_;
  std::chrono::steady_clock::time_point due_{};
  std::size_t ticks_ = 0;
  bool started_ = false;
};

/// `coflow::interval(1s)`: 0, 1, 2, ... one a second.
inline interval_source interval(cooperate::duration period) {
  return interval_source{period};
}

}  // namespace coflow
