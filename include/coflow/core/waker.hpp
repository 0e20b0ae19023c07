// SPDX-License-Identifier: BSL-1.0
// coflow/core/waker.hpp - how a parked flow is woken by the event it waits on.
#pragma once

#include <memory>
#include <utility>

namespace coflow {

/// A handle that wakes one parked flow. Copyable, thread-safe to call, and harmless to call
/// after the flow is gone or when it is not parked (the wake-up is remembered until its next
/// park, so a wake racing with a park is never lost).
///
/// A stage that must wait for an event takes `current_waker()` during its `next()`, gives
/// `cooperate::park()`, and has the event's producer call `wake()`.
class waker {
 public:
  /// What a driver (the scheduler, `block`, the Asio driver) provides.
  struct target {
    virtual void wake() noexcept = 0;
    virtual ~target() = default;
  };

  waker() = default;
  explicit waker(std::shared_ptr<target> t) noexcept : target_{std::move(t)} {}

  void wake() const noexcept {
    if (target_) target_->wake();
  }
  explicit operator bool() const noexcept { return static_cast<bool>(target_); }
  friend bool operator==(const waker& a, const waker& b) noexcept { return a.target_ == b.target_; }

 private:
  std::shared_ptr<target> target_;
};

namespace detail {
inline thread_local const waker* current_waker_ptr = nullptr;
}

/// The waker of the flow being pulled on this thread; empty outside a driver.
[[nodiscard]] inline waker current_waker() {
  return detail::current_waker_ptr ? *detail::current_waker_ptr : waker{};
}

/// Makes `w` the current waker for the pulls made while this object lives (drivers use it
/// around each `next()`).
class waker_scope {
 public:
  explicit waker_scope(const waker& w) noexcept : previous_{detail::current_waker_ptr} {
    detail::current_waker_ptr = &w;
  }
  waker_scope(const waker_scope&) = delete;
  waker_scope& operator=(const waker_scope&) = delete;
  ~waker_scope() { detail::current_waker_ptr = previous_; }

 private:
  const waker* previous_;
};

}  // namespace coflow
