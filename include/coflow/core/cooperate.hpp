// SPDX-License-Identifier: BSL-1.0
// coflow/core/cooperate.hpp - the "let others run" signal of the step protocol.
#pragma once

#include "coflow/detail/chrono.hpp"

namespace coflow {

/// A stage's way of saying "I would block: let other flows run and pull me again after at
/// least `timeout`". `cooperate::park()` says "pull me again only after my waker fired"
/// (see coflow/core/waker.hpp): a parked flow costs nothing until the event arrives.
///
///     co_yield coflow::cooperate{50ms};
class cooperate {
 public:
  using duration = std::chrono::nanoseconds;

  constexpr cooperate() noexcept = default;
  constexpr cooperate(duration timeout) noexcept  // NOLINT: implicit from any duration
      : rep_{timeout < duration::zero() ? 0 : timeout.count()} {}

  /// Wait for a wake-up, not for a timer.
  [[nodiscard]] static constexpr cooperate park() noexcept {
    cooperate c;
    c.rep_ = parked_rep;
    return c;
  }

  [[nodiscard]] constexpr duration timeout() const noexcept { return duration{rep_ < 0 ? 0 : rep_}; }
  [[nodiscard]] constexpr bool parked() const noexcept { return rep_ < 0; }

  /// The cooperate of a stage that waits on several branches: it wakes at the earliest of
  /// their timers, and parks only when every branch parks.
  [[nodiscard]] friend constexpr cooperate earliest(cooperate a, cooperate b) noexcept {
    if (a.parked()) return b;
    if (b.parked()) return a;
    return cooperate{b.timeout() < a.timeout() ? b.timeout() : a.timeout()};
  }

  friend constexpr bool operator==(cooperate, cooperate) noexcept = default;

 private:
  // One word: the timeout in nanoseconds, or `parked_rep`. A cooperate is built and copied
  // at every switch; a word is stored and loaded whole (a duration and a flag, built with
  // two narrow stores and copied with one wide load, stall store-to-load forwarding).
  static constexpr duration::rep parked_rep = -1;
  duration::rep rep_ = 0;
};

}  // namespace coflow
