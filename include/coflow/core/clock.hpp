// SPDX-License-Identifier: BSL-1.0
// coflow/core/clock.hpp - the time a flow sees: the real steady clock, or a virtual one.
#pragma once

#include "coflow/core/cooperate.hpp"
#include "coflow/detail/chrono.hpp"

namespace coflow {

/// A clock that a test moves by hand: `advance(d)`. A scheduler made with one
/// (`scheduler{vclock}`) reads its timers from it and never sleeps for them, and the
/// time-based stages read `coflow::now()` from it, so a test of a one-hour timeout takes
/// microseconds and gives the same result every time. It starts at the steady clock's epoch.
class virtual_clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::nanoseconds;

  [[nodiscard]] time_point now() const noexcept { return now_; }
  /// Moves the clock forward by `d` (not backward: a negative `d` does nothing).
  void advance(duration d) noexcept {
    if (d > duration::zero()) now_ += d;
  }

 private:
  time_point now_{};
};

namespace detail {
/// The virtual clock of the scheduler running on this thread, if it has one.
inline thread_local const virtual_clock* current_clock = nullptr;

/// Installs `c` as this thread's clock for its lifetime (a driver does, around its loop).
class clock_scope {
 public:
  explicit clock_scope(const virtual_clock* c) noexcept : prev_{current_clock} { current_clock = c; }
  clock_scope(const clock_scope&) = delete;
  clock_scope& operator=(const clock_scope&) = delete;
  ~clock_scope() { current_clock = prev_; }

 private:
  const virtual_clock* prev_;
};
}  // namespace detail

/// The time as the flow running on this thread sees it: its scheduler's virtual clock, or
/// `std::chrono::steady_clock::now()`. The time-based stages read it.
inline std::chrono::steady_clock::time_point now() noexcept {
  if (const virtual_clock* c = detail::current_clock) return c->now();
  return std::chrono::steady_clock::now();
}

namespace detail {
/// A cooperate until `deadline` (by `now()`): at once when it has passed.
inline cooperate until(std::chrono::steady_clock::time_point deadline) noexcept {
  return cooperate{std::chrono::duration_cast<cooperate::duration>(deadline - now())};
}
}  // namespace detail

}  // namespace coflow
