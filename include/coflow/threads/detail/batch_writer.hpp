// SPDX-License-Identifier: BSL-1.0
// coflow/threads/detail/batch_writer.hpp - the writing end of a flow on a worker thread: values
// cross a ring and are written in batches by a driver's writer (SQL inserts, Redis commands).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "coflow/threads/spsc_ring.hpp"

namespace coflow::detail {

/// How a batch writer writes: batches of at most `batch` values, each finished (`commit`) at the
/// latest `batch_time` after its first value arrived, through a ring of `capacity` values (a
/// full ring makes the flow wait). No defaults here: each driver's public options hold them
/// (`sql::insert_options`, `redis::write_options`) and convert in one function.
struct batch_options {
  std::size_t batch;
  std::chrono::milliseconds batch_time;
  std::size_t capacity;
};

/// Thrown by a writer when a particular value of its batch is at fault (`row` counts from the
/// batch's first value), so that the failure can name it.
struct item_failed {
  std::size_t row;
  std::exception_ptr cause;
};

/// What a failure says about the values: the failing one (its index in the flow, -1 when no
/// single value is at fault, and its `Writer::describe`), how many were written before it, and
/// the batch it was in (the index of its first value, and its size; 0 when none was open).
struct batch_failure {
  std::int64_t row = -1;
  std::int64_t committed = 0;
  std::string values;
  std::int64_t batch_first = 0;
  std::int64_t batch_size = 0;
};

/// The state a batch writer's consumer and its worker share. `Writer` is the driver's: opened
/// on the worker (`Open()`), it has `begin()`, `write(v)`, `commit()` (which may throw
/// `item_failed`), `rollback() noexcept`, `static describe(v)` (a value as a failure names it)
/// and `[[noreturn]] fail(cause, batch_failure)`, which throws the driver's error.
template <class Writer, class T, class Open>
class batch_state {
 public:
  batch_state(Open open, batch_options o) : ring_{std::max<std::size_t>(o.capacity, 2)}, options_{o} {
    options_.batch = std::max<std::size_t>(options_.batch, 1);
    worker_ = std::thread{[this, open = std::move(open)]() mutable { run(open); }};
  }
  batch_state(const batch_state&) = delete;
  ~batch_state() {
    if (!worker_.joinable()) return;
    abandoned_.store(true);  // the flow failed or was dropped: the open batch is rolled back
    ring_.close();
    worker_.join();
  }

  /// The flow's side: false once the worker stopped (failed), so the flow stops too.
  template <class U>
  bool push(U&& v) {
    return ring_.push(std::forward<U>(v));
  }

  /// The end of the flow: the last batch is committed; gives the values written or throws.
  std::int64_t finish() {
    ring_.close();
    worker_.join();
    if (error_) std::rethrow_exception(error_);
    return committed_;
  }

 private:
  void run(Open& open) {
    try {
      Writer w = open();
      batch_.reserve(std::min<std::size_t>(options_.batch, 4096));
      while (write_batch(w)) {
      }
    } catch (...) {
      error_ = std::current_exception();
      ring_.stop();  // the flow's next push fails: it stops
    }
  }

  // Writes one batch; false at the end of the values.
  bool write_batch(Writer& w) {
    if (!ring_.wait_for_items()) return false;
    batch_.clear();
    try {
      w.begin();
      if (!fill(w)) {
        w.rollback();
        return false;
      }
      w.commit();
    } catch (const item_failed& f) {
      w.rollback();
      fail(w, f.cause, static_cast<std::int64_t>(f.row));
    } catch (...) {
      w.rollback();
      fail(w, std::current_exception(), writing_ ? static_cast<std::int64_t>(batch_.size()) - 1 : -1);
    }
    committed_ += static_cast<std::int64_t>(batch_.size());
    return true;
  }

  // Writes the values of the batch as they come: false when the flow was abandoned and this is
  // its last, open batch (the batches it filled before are committed as usual).
  bool fill(Writer& w) {
    const auto deadline = std::chrono::steady_clock::now() + options_.batch_time;
    writing_ = true;
    while (batch_.size() < options_.batch) {
      // A quarter of the ring at most: the slots are freed only after the call, and the flow
      // should be able to go on meanwhile.
      const std::size_t most = std::max<std::size_t>(ring_.capacity() / 4, 1);
      ring_.consume_n(std::min(options_.batch - batch_.size(), most), [&](T&& v) {
        batch_.push_back(std::move(v));
        w.write(batch_.back());
      });
      if (batch_.size() == options_.batch) break;
      if (ring_.closed() && ring_.empty_approx()) return !abandoned_.load();
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      if (ring_.empty_approx())
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, poll_interval));
    }
    writing_ = false;
    return true;
  }

  [[noreturn]] void fail(Writer& w, std::exception_ptr cause, std::int64_t in_batch) {
    writing_ = false;
    batch_failure f{-1, committed_, {}, committed_, static_cast<std::int64_t>(batch_.size())};
    if (in_batch >= 0 && static_cast<std::size_t>(in_batch) < batch_.size()) {
      f.row = committed_ + in_batch;
      f.values = Writer::describe(batch_[static_cast<std::size_t>(in_batch)]);
    }
    w.fail(cause, f);
  }

  // How often a worker with an open batch and an empty ring looks for values again, until the
  // batch's time is up.
  static constexpr std::chrono::microseconds poll_interval{500};

  spsc_ring<T> ring_;
  batch_options options_;
  std::vector<T> batch_;        // the open batch's values (worker only)
  bool writing_ = false;        // inside fill (worker only)
  std::int64_t committed_ = 0;  // written by the worker, read after the join
  std::exception_ptr error_;    // likewise
  std::atomic<bool> abandoned_{false};
  std::thread worker_;  // last: started once the members above exist
};

/// The consumer of a batch writer's sink: values go to the worker's ring; `result()` waits for
/// the last batch and gives the number of values written.
template <class Writer, class T, class Open>
class batch_consumer {
 public:
  batch_consumer(Open open, batch_options o)
      : state_{std::make_unique<batch_state<Writer, T, Open>>(std::move(open), o)} {}

  template <class U>
  bool push(U&& v) {
    return state_->push(T(std::forward<U>(v)));
  }
  std::int64_t result() && { return state_->finish(); }

 private:
  std::unique_ptr<batch_state<Writer, T, Open>> state_;
};

}  // namespace coflow::detail
