// SPDX-License-Identifier: BSL-1.0
// coflow/core/blocking_wait.hpp - pulling a stage on the calling thread, sleeping for cooperates
// (under `block` and `stage | sink`).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"

namespace coflow::detail {

/// The waker target of a blocked thread: a wake-up ends its current sleep early.
class blocking_target final : public waker::target {
 public:
  void wake() noexcept override {
    {
      std::lock_guard lock{mutex_};
      woken_ = true;
    }
    cv_.notify_one();
  }

  /// Sleeps as `c` asks: until woken (park), or for its timeout unless woken first.
  void wait(cooperate c) {
    std::unique_lock lock{mutex_};
    if (c.parked())
      cv_.wait(lock, [&] { return woken_; });
    else if (c.timeout() > cooperate::duration::zero())
      cv_.wait_for(lock, c.timeout(), [&] { return woken_; });
    woken_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
};

/// Pulls a stage until it gives something other than a cooperate, sleeping in between.
/// Stages that cannot cooperate pay nothing: no waker, no check.
template <class S>
class blocking_puller {
 public:
  blocking_puller() {
    if constexpr (can_cooperate_v<S>) {
      target_ = new blocking_target;
      waker_ = waker_access::make(target_);  // holds it
    }
  }

  step<value_t<S>> pull(S& s) {
    if constexpr (can_cooperate_v<S>) {
      for (;;) {
        step<value_t<S>> st = [&] {
          waker_scope scope{waker_};
          return s.next();
        }();
        if (!st.is_cooperate()) return st;
        target_->wait(st.cooperation());
      }
    } else {
      return s.next();
    }
  }

 private:
  blocking_target* target_ = nullptr;
  waker waker_;
};

/// Runs `s` to its end on this thread, giving each value to `push` until it returns false.
/// A failure is rethrown with its original type.
template <class S, class Push>
void drain_blocking(S& s, Push&& push) {
  if constexpr (drivable<S>) {
    s.drive(push);
  } else {
    blocking_puller<S> puller;
    for (;;) {
      step<value_t<S>> st = puller.pull(s);
      if (st.has_value()) {
        if (!push(*std::move(st))) return;
      } else if (st.is_done()) {
        return;
      } else {
        st.error().rethrow();
      }
    }
  }
}

}  // namespace coflow::detail
