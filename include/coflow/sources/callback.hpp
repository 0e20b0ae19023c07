// SPDX-License-Identifier: BSL-1.0
// coflow/sources/callback.hpp - a push interface (push/finish/fail) as a pullable stage.
#pragma once

#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/stage.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/diagnostic.hpp"

namespace coflow {

/// The failure a callback's stage ends with when every feed handle was dropped before
/// `finish()` or `fail()`: a consumer must not stay parked forever on a producer that is gone.
class abandoned_callback : public std::logic_error {
 public:
  abandoned_callback()
      : std::logic_error("coflow::callback: every feed was dropped before finish() or fail()") {}
};

namespace detail {

/// What the feed and the stage of one callback share. Everything is guarded by `mutex`: the
/// producer may live on another thread.
template <class T>
struct callback_state {
  std::mutex mutex;
  std::deque<T> queue;
  failure error;          // set by fail(); delivered after the queued values
  bool finished = false;  // finish() or fail() was called
  bool stage_taken = false;
  bool stage_gone = false;  // the consumer dropped the stage: later pushes are refused
  waker waiting;            // the parked consumer's waker, empty when it is not parked

  // Ends the stream; false when it had already ended or nobody listens any more.
  bool end(failure f) {
    waker w;
    {
      std::lock_guard lock{mutex};
      if (finished || stage_gone) return false;
      finished = true;
      error = std::move(f);
      w = std::exchange(waiting, {});
    }
    w.wake();
    return true;
  }
};

/// Owned by every copy of one `callback<T>`: when the last copy goes, the stream is abandoned.
template <class T>
struct callback_feed {
  std::shared_ptr<callback_state<T>> state = std::make_shared<callback_state<T>>();
  callback_feed() = default;
  callback_feed(const callback_feed&) = delete;
  callback_feed& operator=(const callback_feed&) = delete;
  ~callback_feed() { state->end(failure::make(abandoned_callback{})); }
};

}  // namespace detail

/// The pullable side of a `callback<T>`: gives the pushed values in order, then the end or
/// the failure. With nothing buffered it parks (takes `current_waker()` and gives
/// `cooperate::park()`); a push, `finish()` or `fail()` wakes it. Move-only: one consumer.
template <class T>
class callback_stage : public stage_base<> {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = true;
  /// Values pushed before they are pulled are kept, however many (an unbounded queue).
  static constexpr std::size_t buffer_bound = unbounded;
  static constexpr std::string_view stage_name = "callback";

  explicit callback_stage(std::shared_ptr<detail::callback_state<T>> s) noexcept : state_{std::move(s)} {}
  callback_stage(callback_stage&& o) noexcept
      : state_{std::move(o.state_)}, local_{std::move(o.local_)}, ended_{o.ended_} {}
  callback_stage& operator=(callback_stage&&) = delete;
  ~callback_stage() {
    if (!state_) return;
    std::lock_guard lock{state_->mutex};
    state_->stage_gone = true;
    state_->queue.clear();
    state_->waiting = {};
  }

  step<T> next() {
    if (local_.empty()) {
      if (!state_ || ended_) return done;
      std::lock_guard lock{state_->mutex};
      if (state_->queue.empty()) {
        if (!state_->finished) {
          state_->waiting = current_waker();
          return cooperate::park();
        }
        ended_ = true;
        if (state_->error) return std::move(state_->error);
        return done;
      }
      // Take the whole batch: the mutex is taken once per batch, not once per value.
      local_.swap(state_->queue);
    }
    step<T> s{std::move(local_.front())};
    local_.pop_front();
    return s;
  }

 private:
  std::shared_ptr<detail::callback_state<T>> state_;
  std::deque<T> local_;  // values taken from the shared queue, read without the mutex
  bool ended_ = false;
};

/// Twisted's `flow.Callback`: the producer's handle of a stream that something else pulls.
/// `push(v)` adds a value, `finish()` ends the stream, `fail(e)` ends it with a failure (an
/// exception object, a `std::exception_ptr` or a `coflow::failure`), delivered after the
/// values pushed before it. `stage()` gives the pullable side, once.
///
///     auto [feed, values] = coflow::make_callback<int>();
///     protocol.on_data([feed](int v) { feed.push(v); });   // any thread
///     protocol.on_close([feed] { feed.finish(); });
///     for (int v : coflow::block(std::move(values))) use(v);
///
/// Copies of a `callback` feed the same stream (like copies of a stdexec receiver's
/// channel); when the last copy is dropped without `finish()` or `fail()`, the stage ends with
/// `abandoned_callback`. Pushing values is thread-safe: every call takes one mutex, which is
/// uncontended when the producer runs on the flow's own thread (the usual, single-threaded
/// case), and the stage takes it once per batch of buffered values, not per value.
template <class T>
class callback {
  static_assert(std::is_object_v<T> && !std::is_const_v<T> && !std::is_array_v<T>,
                "coflow::callback: the value type must be a non-const object type (not a "
                "reference, void, const or an array)");

 public:
  using value_type = T;

  callback() : feed_{std::make_shared<detail::callback_feed<T>>()} {}

  /// The pullable side, sharing this callback's stream. Only one stage per callback:
  /// a second call throws `std::logic_error`.
  [[nodiscard]] callback_stage<T> stage() const {
    auto& s = feed_->state;
    {
      std::lock_guard lock{s->mutex};
      if (s->stage_taken) throw std::logic_error("coflow::callback: stage() was already taken");
      s->stage_taken = true;
    }
    return callback_stage<T>{s};
  }

  /// Adds a value. Gives false (and drops `v`) when the stream already ended or its stage
  /// was dropped: nobody will pull the value.
  template <class U = T>
    requires std::is_constructible_v<T, U&&>
  bool push(U&& v) const {
    auto& s = *feed_->state;
    waker w;
    {
      std::lock_guard lock{s.mutex};
      if (s.finished || s.stage_gone) return false;
      s.queue.emplace_back(std::forward<U>(v));
      w = std::exchange(s.waiting, {});  // wake only a consumer that actually parked
    }
    w.wake();
    return true;
  }

  /// Ends the stream after the values pushed so far. False when it had already ended.
  bool finish() const { return feed_->state->end(failure{}); }

  /// Ends the stream with a failure, after the values pushed so far.
  bool fail(failure f) const {
    if (!f) f = failure::make(std::invalid_argument("coflow::callback: fail() with an empty failure"));
    return feed_->state->end(std::move(f));
  }
  bool fail(std::exception_ptr e) const { return fail(failure{std::move(e)}); }
  template <class E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, failure> &&
             !std::is_same_v<std::remove_cvref_t<E>, std::exception_ptr>)
  bool fail(E&& e) const {
    return fail(failure::make(std::forward<E>(e)));
  }

 private:
  std::shared_ptr<detail::callback_feed<T>> feed_;
};

/// A new callback and its stage, for structured bindings:
///
///     auto [feed, stage] = coflow::make_callback<std::string>();
template <class T>
[[nodiscard]] std::pair<callback<T>, callback_stage<T>> make_callback() {
  callback<T> feed;
  callback_stage<T> s = feed.stage();
  return {std::move(feed), std::move(s)};
}

}  // namespace coflow
