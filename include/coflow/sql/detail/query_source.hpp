// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/query_source.hpp - a query as a threaded source, with `fetch_many(n)`.
#pragma once

#include <cstddef>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "coflow/core/stage.hpp"
#include "coflow/detail/chrono.hpp"
#include "coflow/detail/stop_token.hpp"
#include "coflow/threads/threaded.hpp"

namespace coflow::sql::detail {

/// A driver's cursor, `n` rows at a time: what `fetch_many(n)` runs on the worker thread.
template <class Cursor>
class batched_cursor {
 public:
  using row_type = typename Cursor::value_type;

  template <class... A>
  explicit batched_cursor(std::size_t n, A&&... a) : cursor_{std::forward<A>(a)...}, n_{n} {}

  std::optional<std::vector<row_type>> operator()() {
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    std::vector<row_type> rows;
    rows.reserve(n_);
    try {
      if (!cursor_.next_batch(rows, n_)) return std::nullopt;
    } catch (...) {
      if (rows.empty()) throw;
      error_ = std::current_exception();  // the rows before the failure go first
    }
    return rows;
  }

 private:
  Cursor cursor_;
  std::size_t n_;
  std::exception_ptr error_;
};

/// A driver's cursor, in chunks that cross the ring as one item each. A hand-off per row would
/// cost a wake-up per row whenever the flow is faster than the database (a wake-up costs tens
/// of microseconds, a row a few hundred nanoseconds). Chunks start small, so the first rows
/// come quickly, and double up to `max_rows` while the rows keep coming; a chunk is also cut
/// at the first row that arrives `max_delay` after the chunk's first, so slow rows are not held
/// back waiting for company.
template <class Cursor>
class chunked_cursor {
 public:
  using row_type = typename Cursor::value_type;
  static constexpr std::size_t first_rows = 16;
  static constexpr std::size_t max_rows = 4096;
  static constexpr std::chrono::microseconds max_delay{500};

  template <class... A>
  explicit chunked_cursor(A&&... a) : cursor_{std::forward<A>(a)...} {}

  std::optional<std::vector<row_type>> operator()() {
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    std::vector<row_type> rows;
    rows.reserve(limit_);
    const auto start = std::chrono::steady_clock::now();
    // The clock is read every `stride` rows; the stride grows while rows come fast.
    std::size_t stride = 1;
    std::size_t next_check = 1;
    try {
      while (rows.size() < limit_ && cursor_.advance()) {
        cursor_.append_to(rows);
        if (rows.size() == next_check) {
          const auto elapsed = std::chrono::steady_clock::now() - start;
          if (elapsed >= max_delay) break;
          if (elapsed * 8 < max_delay) stride *= 2;
          next_check += stride;
        }
      }
    } catch (...) {
      if (rows.empty()) throw;
      error_ = std::current_exception();  // the rows before the failure go first
    }
    if (rows.empty()) return std::nullopt;
    if (rows.size() == limit_ && limit_ < max_rows) limit_ *= 2;
    return rows;
  }

 private:
  Cursor cursor_;
  std::size_t limit_ = first_rows;
  std::exception_ptr error_;
};

/// Calls a driver's factory (`Open(stop_token) -> cursor`) and wraps its cursor in batches.
template <class Open>
struct batch_factory {
  Open open;
  std::size_t n;
  auto operator()(coflow::stop_token st) { return open.batched(n, std::move(st)); }
};

/// Calls a driver's factory and wraps its cursor in chunks.
template <class Open>
struct chunk_factory {
  Open open;
  auto operator()(coflow::stop_token st) { return open.chunked(std::move(st)); }
};

/// The stage of `sqlite::query` / `postgres::query`: a `coflow::threaded_chunks` source whose
/// worker runs the driver's blocking cursor, rows crossing the ring in chunks (see
/// `chunked_cursor`) and reaching the flow one by one. `Open` is called on the worker thread and
/// gives the cursor (which prepares, binds and runs the statement there). `Name::value` is the
/// stage's name.
template <class Open, class Row, class Name>
class query_source : public stage_base<> {
  using inner_type = threaded_stage<chunk_factory<Open>, true>;

 public:
  using value_type = Row;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  static constexpr std::size_t buffer_bound = inner_type::buffer_bound;
  static constexpr std::string_view stage_name = Name::value;

  /// The buffering a query gets unless `with` says otherwise: each chunk of rows (see
  /// `chunked_cursor`) published at once, at most 4 of them in the ring.
  static constexpr threaded_options default_options{.capacity = 4, .batch = 1};

  explicit query_source(Open open, threaded_options options = default_options)
      : open_{std::move(open)}, options_{options} {}

  step<Row> next() {
    if (!inner_) {
      if (!open_) return done;
      inner_.emplace(chunk_factory<Open>{std::move(*open_)}, options_);
      open_.reset();
    }
    return inner_->next();
  }

  /// The same query, giving `std::vector<Row>` batches of up to `n` rows (the last may be
  /// shorter; an empty result gives no batch). Call it before the first pull.
  ///
  ///     for (auto& rows : coflow::block(coflow::sqlite::query<int>(db, sql).fetch_many(500)))
  auto fetch_many(std::size_t n) && {
    return coflow::threaded(batch_factory<Open>{take_open(), n == 0 ? 1 : n}, options_);
  }

  /// The same query with other buffering between the worker and the flow (`capacity` and
  /// `batch` count chunks of rows, or batches for `fetch_many`). Call it before the first pull.
  query_source with(threaded_options options) && { return query_source{take_open(), options}; }

 private:
  // The query, moved out once (throws std::bad_optional_access if it already started).
  Open take_open() {
    Open o = std::move(open_).value();
    open_.reset();
    return o;
  }

  std::optional<Open> open_;  // until the first pull starts the worker
  threaded_options options_;
  std::optional<inner_type> inner_;
};

}  // namespace coflow::sql::detail
