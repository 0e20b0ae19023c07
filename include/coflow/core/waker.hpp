// SPDX-License-Identifier: BSL-1.0
// coflow/core/waker.hpp - how a parked flow is woken by the event it waits on.
#pragma once

#include <memory>
#include <utility>
#include <variant>

#include "coflow/core/step.hpp"

namespace coflow {

class waker;

namespace detail {
/// A driver that is a waker's target reads the `shared_ptr` it holds (to share the target's
/// block without a `weak_ptr` of its own).
struct waker_access;
}  // namespace detail

/// A flow that a stage starts beside the flow pulling it, on the same driver (`buffer`'s
/// producer): it gives no values; each `next()` is one turn, ending with a cooperate (when to
/// run it again) or `done` (it has finished).
class side_flow {
 public:
  virtual step<std::monostate> next() = 0;
  virtual ~side_flow() = default;
};

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
    /// Runs `f` beside the flow this wakes (taking it) and returns true, when the driver can;
    /// a scheduler can, the drivers that run one flow (`block`, Asio) cannot.
    virtual bool start_beside(std::unique_ptr<side_flow>& f) {
      (void)f;
      return false;
    }
    virtual ~target() = default;
  };

  waker() = default;
  explicit waker(std::shared_ptr<target> t) noexcept : target_{std::move(t)} {}

  void wake() const noexcept {
    if (target_) target_->wake();
  }
  /// See `target::start_beside`; false (and `f` kept) for an empty waker.
  bool start_beside(std::unique_ptr<side_flow>& f) const { return target_ && target_->start_beside(f); }
  explicit operator bool() const noexcept { return static_cast<bool>(target_); }
  friend bool operator==(const waker& a, const waker& b) noexcept { return a.target_ == b.target_; }

 private:
  friend struct detail::waker_access;
  std::shared_ptr<target> target_;
};

namespace detail {
struct waker_access {
  static const std::shared_ptr<waker::target>& target(const waker& w) noexcept { return w.target_; }
};

inline thread_local const waker* current_waker_ptr = nullptr;
}  // namespace detail

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
