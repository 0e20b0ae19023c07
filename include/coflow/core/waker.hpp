// SPDX-License-Identifier: BSL-1.0
// coflow/core/waker.hpp - how a parked flow is woken by the event it waits on.
#pragma once

#include <memory>
#include <utility>
#include <variant>

#include "coflow/core/step.hpp"
#include "coflow/detail/shared_block.hpp"

namespace coflow {

class waker;

namespace detail {
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
  /// What a driver (the scheduler, `block`, the Asio driver) provides. The wakers share it
  /// through a count it keeps itself (`detail::shared_block`); a target made with
  /// `std::make_shared` can be given to a waker too.
  struct target : detail::shared_block {
    virtual void wake() noexcept = 0;
    /// Runs `f` beside the flow this wakes (taking it) and returns true, when the driver can;
    /// a scheduler can, the drivers that run one flow (`block`, Asio) cannot.
    virtual bool start_beside(std::unique_ptr<side_flow>& f) {
      (void)f;
      return false;
    }
    /// The target wakers compare by (a `shared_ptr`'s target behind its holder).
    [[nodiscard]] virtual const target* identity() const noexcept { return this; }
  };

  waker() = default;
  /// A waker of a target the caller shares through `std::shared_ptr` (one small block holds it).
  explicit waker(std::shared_ptr<target> t) : waker{t ? new shared_holder{std::move(t)} : nullptr} {}

  void wake() const noexcept {
    if (t_) t_->wake();
  }
  /// See `target::start_beside`; false (and `f` kept) for an empty waker.
  bool start_beside(std::unique_ptr<side_flow>& f) const { return t_ && t_->start_beside(f); }
  explicit operator bool() const noexcept { return static_cast<bool>(t_); }
  friend bool operator==(const waker& a, const waker& b) noexcept {
    return a.t_ == b.t_ || (a.t_ && b.t_ && a.t_->identity() == b.t_->identity());
  }
  /// The target, shared by this waker (null for an empty one).
  [[nodiscard]] target* get() const noexcept { return t_.get(); }

 private:
  struct shared_holder final : target {
    explicit shared_holder(std::shared_ptr<target> t) noexcept : held{std::move(t)} {}
    void wake() noexcept override { held->wake(); }
    bool start_beside(std::unique_ptr<side_flow>& f) override { return held->start_beside(f); }
    [[nodiscard]] const target* identity() const noexcept override { return held.get(); }
    std::shared_ptr<target> held;
  };

  friend struct detail::waker_access;
  explicit waker(target* t) noexcept : t_{t} {}

  detail::block_ptr<target> t_;
};

namespace detail {
/// Drivers make the wakers of their own targets, which share the target's count.
struct waker_access {
  static waker make(waker::target* t) noexcept { return waker{t}; }
};

// The target of the flow being pulled on this thread, which its driver keeps alive meanwhile.
inline thread_local waker::target* current_target = nullptr;
}  // namespace detail

/// The waker of the flow being pulled on this thread; empty outside a driver.
[[nodiscard]] inline waker current_waker() {
  return detail::waker_access::make(detail::current_target);
}

/// Makes `w` the current waker for the pulls made while this object lives (drivers use it
/// around each `next()`; `w` must outlive it).
class waker_scope {
 public:
  explicit waker_scope(const waker& w) noexcept : waker_scope{w.get()} {}
  /// The same for a driver's own target, which it keeps alive while this object lives.
  explicit waker_scope(waker::target* t) noexcept : previous_{detail::current_target} {
    detail::current_target = t;
  }
  waker_scope(const waker_scope&) = delete;
  waker_scope& operator=(const waker_scope&) = delete;
  ~waker_scope() { detail::current_target = previous_; }

 private:
  waker::target* previous_;
};

}  // namespace coflow
