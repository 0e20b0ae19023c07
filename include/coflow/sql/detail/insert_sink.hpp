// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/insert_sink.hpp - the writing end of a flow: rows into a table, in
// transactions, on a worker thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/stop_token.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/sql/detail/values.hpp"
#include "coflow/sql/row.hpp"
#include "coflow/threads/spsc_ring.hpp"

namespace coflow::sql {

/// How `sqlite::insert` and `postgres::insert` write: in transactions of at most `batch_rows`
/// rows, each committed at the latest `batch_time` after its first row arrived, through a ring
/// of `capacity` rows (a full ring makes the flow wait: a slow database slows the flow).
struct insert_options {
  std::size_t batch_rows = 10'000;
  std::chrono::milliseconds batch_time{200};
  std::size_t capacity = 4096;
};

/// Where an insert failed: thrown by a writer when a particular row of its batch is at fault
/// (`row` counts from the batch's first row), so the failure can name it.
struct row_failed {
  std::size_t row;
  std::exception_ptr cause;
};

}  // namespace coflow::sql

namespace coflow::sql::detail {

/// What an insert's failure says about the rows: the failing row (its index in the flow, -1
/// when no single row is at fault) and how many rows were committed before it.
struct insert_failure {
  std::int64_t row = -1;
  std::int64_t committed = 0;
  std::string values;  // the failing row's values, as `describe_row` shows them
};

/// What caused an insert failure: the database's message, or coflow's own (a value the driver
/// refused before sending it).
inline std::string cause_text(const sql::error& e) {
  return e.db_message().empty() ? e.what() : e.db_message();
}

/// The text of an insert failure, before the database's own message.
inline std::string insert_failure_text(const insert_failure& f, std::int64_t batch_first,
                                       std::int64_t batch_rows) {
  std::string m = "insert: ";
  if (f.row >= 0)
    m += "row " + std::to_string(f.row) + " " + f.values + " failed; ";
  else
    m += "BEGIN or COMMIT failed; ";
  if (batch_rows > 0)
    m += "its transaction (rows " + std::to_string(batch_first) + " to " +
         std::to_string(batch_first + batch_rows - 1) + ") was rolled back; ";
  return m + std::to_string(f.committed) + " row(s) before it are committed";
}

/// A value of a failing batch, as its failure names it: the writer's own `describe(v)` when it
/// has one, else the row's values.
template <class Writer, class T>
std::string describe_value_of(const T& v) {
  if constexpr (requires { Writer::describe(v); })
    return Writer::describe(v);
  else
    return describe_row(v);
}

/// The state an insert's consumer and its worker share. `Writer` is the driver's: opened on
/// the worker (`Open()`), it has `begin()`, `write(row)`, `commit()` (which may throw
/// `row_failed`) and `rollback() noexcept`, and `[[noreturn]] fail(cause, text, failure)` throws the
/// driver's error.
template <class Writer, class T, class Open>
class insert_state {
 public:
  insert_state(Open open, insert_options o) : ring_{std::max<std::size_t>(o.capacity, 2)}, options_{o} {
    options_.batch_rows = std::max<std::size_t>(options_.batch_rows, 1);
    worker_ = std::thread{[this, open = std::move(open)]() mutable { run(open); }};
  }
  insert_state(const insert_state&) = delete;
  ~insert_state() {
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

  /// The end of the flow: the last batch is committed; gives the rows written or throws.
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
      batch_.reserve(std::min<std::size_t>(options_.batch_rows, 4096));
      while (write_batch(w)) {
      }
    } catch (...) {
      error_ = std::current_exception();
      ring_.stop();  // the flow's next push fails: it stops
    }
  }

  // Writes one transaction; false at the end of the rows.
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
    } catch (const row_failed& f) {
      w.rollback();
      fail(w, f.cause, static_cast<std::int64_t>(f.row));
    } catch (...) {
      w.rollback();
      fail(w, std::current_exception(), writing_ ? static_cast<std::int64_t>(batch_.size()) - 1 : -1);
    }
    committed_ += static_cast<std::int64_t>(batch_.size());
    return true;
  }

  // Writes the rows of the batch as they come: false when the flow was abandoned and this is
  // its last, open batch (the batches it filled before are committed as usual).
  bool fill(Writer& w) {
    const auto deadline = std::chrono::steady_clock::now() + options_.batch_time;
    writing_ = true;
    while (batch_.size() < options_.batch_rows) {
      // A quarter of the ring at most: the slots are freed only after the call, and the flow
      // should be able to go on meanwhile.
      const std::size_t most = std::max<std::size_t>(ring_.capacity() / 4, 1);
      ring_.consume_n(std::min(options_.batch_rows - batch_.size(), most), [&](T&& v) {
        batch_.push_back(std::move(v));
        w.write(batch_.back());
      });
      if (batch_.size() == options_.batch_rows) break;
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
    insert_failure f{-1, committed_, {}};
    if (in_batch >= 0 && static_cast<std::size_t>(in_batch) < batch_.size()) {
      f.row = committed_ + in_batch;
      f.values = describe_value_of<Writer>(batch_[static_cast<std::size_t>(in_batch)]);
    }
    w.fail(cause, insert_failure_text(f, committed_, static_cast<std::int64_t>(batch_.size())), f);
  }

  // How often a worker with an open transaction and an empty ring looks for rows again,
  // until the transaction's time is up.
  static constexpr std::chrono::microseconds poll_interval{500};

  spsc_ring<T> ring_;
  insert_options options_;
  std::vector<T> batch_;        // the open transaction's rows (worker only)
  bool writing_ = false;        // inside fill (worker only)
  std::int64_t committed_ = 0;  // written by the worker, read after the join
  std::exception_ptr error_;    // likewise
  std::atomic<bool> abandoned_{false};
  std::thread worker_;  // last: started once the members above exist
};

/// The consumer of an insert sink: rows go to the worker's ring; `result()` waits for the last
/// commit and gives the number of rows written.
template <class Writer, class T, class Open>
class insert_consumer {
 public:
  insert_consumer(Open open, insert_options o)
      : state_{std::make_unique<insert_state<Writer, T, Open>>(std::move(open), o)} {}

  template <class U>
  bool push(U&& v) {
    return state_->push(T(std::forward<U>(v)));
  }
  std::int64_t result() && { return state_->finish(); }

 private:
  std::unique_ptr<insert_state<Writer, T, Open>> state_;
};

/// What an insert's worker calls first: opens the driver's writer on a pooled connection.
template <class Writer, class Pool>
struct insert_open {
  std::shared_ptr<Pool> db;
  std::string sql;
  Writer operator()() { return Writer{db, sql}; }
};

/// Whether rows of type `T` fit a statement `Sql`: any size when its placeholders are not known
/// at compile time, else as many values as it has placeholders.
template <class Sql, class T>
inline constexpr bool fits_placeholders_v =
    known_parameters<Sql>() < 0 || known_parameters<Sql>() == row_arity<T>();

/// What the sinks of `sqlite::insert` and `postgres::insert` share (`D` is the sink, which
/// checks the value type in its static `accepts<T>()`, and calls `make_consumer<T>()` in its
/// `consumer<T>()`).
/// `Driver` names the stage and gives its pool and writer.
template <class D, class Driver, class Sql>
struct insert_sink_base : sink_base<D> {
  static constexpr std::string_view sink_name = Driver::name;
  std::shared_ptr<typename Driver::pool_type> db;
  std::string sql;
  insert_options options;

  template <class U>
  auto make_consumer() const {
    using open = insert_open<typename Driver::template writer<U>, typename Driver::pool_type>;
    return insert_consumer<typename Driver::template writer<U>, U, open>{open{db, sql}, options};
  }
};

}  // namespace coflow::sql::detail
