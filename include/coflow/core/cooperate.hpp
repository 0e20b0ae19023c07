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
      : timeout_{timeout < duration::zero() ? duration::zero() : timeout} {}

  /// Wait for a wake-up, not for a timer.
  [[nodiscard]] static constexpr cooperate park() noexcept {
    cooperate c;
    c.parked_ = true;
    return c;
  }

  [[nodiscard]] constexpr duration timeout() const noexcept { return timeout_; }
  [[nodiscard]] constexpr bool parked() const noexcept { return parked_; }

  /// The cooperate of a stage that waits on several branches: it wakes at the earliest of
  /// their timers, and parks only when every branch parks.
  [[nodiscard]] friend constexpr cooperate earliest(cooperate a, cooperate b) noexcept {
    if (a.parked_) return b;
    if (b.parked_) return a;
    return cooperate{b.timeout_ < a.timeout_ ? b.timeout_ : a.timeout_};
  }

  friend constexpr bool operator==(cooperate, cooperate) noexcept = default;

 private:
  duration timeout_{0};
  bool parked_ = false;
};

}  // namespace coflow
