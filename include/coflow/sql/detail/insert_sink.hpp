// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/insert_sink.hpp - the writing end of a flow: rows into a table, in
// transactions, on a worker thread (a batch writer, coflow/threads/detail/batch_writer.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "coflow/detail/diagnostic.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/sql/detail/values.hpp"
#include "coflow/sql/row.hpp"
#include "coflow/threads/detail/batch_writer.hpp"

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
using row_failed = coflow::detail::item_failed;

}  // namespace coflow::sql

namespace coflow::sql::detail {

/// What an insert's failure says about the rows: the failing row (its index in the flow, -1
/// when no single row is at fault, and its values as `describe_row` shows them), how many rows
/// were committed before it, and its transaction.
using insert_failure = coflow::detail::batch_failure;

/// What caused an insert failure: the database's message, or coflow's own (a value the driver
/// refused before sending it).
inline std::string cause_text(const sql::error& e) {
  return e.db_message().empty() ? e.what() : e.db_message();
}

/// The text of an insert failure, before the database's own message.
inline std::string insert_failure_text(const insert_failure& f) {
  std::string m = "insert: ";
  if (f.row >= 0)
    m += "row " + std::to_string(f.row) + " " + f.values + " failed; ";
  else
    m += "BEGIN or COMMIT failed; ";
  if (f.batch_size > 0)
    m += "its transaction (rows " + std::to_string(f.batch_first) + " to " +
         std::to_string(f.batch_first + f.batch_size - 1) + ") was rolled back; ";
  return m + std::to_string(f.committed) + " row(s) before it are committed";
}

/// Throws the driver's insert error for a writer's failure: `make(text, cause, code)` gives it
/// from the failure's text (`insert_failure_text`), what caused it (`cause_text` of the
/// driver's `Error`, or any other exception's `what()`) and the database's code (0 if none).
template <class Error, class Make>
[[noreturn]] void throw_insert_error(std::exception_ptr cause, const insert_failure& f, Make make) {
  const std::string text = insert_failure_text(f);
  try {
    std::rethrow_exception(cause);
  } catch (const Error& e) {
    throw make(text, cause_text(e), e.code());
  } catch (const std::exception& e) {
    throw make(text, std::string{e.what()}, 0);
  }
}

/// An insert's options as its batch writer's (coflow/threads/detail/batch_writer.hpp): a batch
/// is a transaction of at most `batch_rows` rows.
inline coflow::detail::batch_options batch_options_of(const insert_options& o) noexcept {
  return {.batch = o.batch_rows, .batch_time = o.batch_time, .capacity = o.capacity};
}

/// The consumer of an insert sink: a batch writer whose batches are transactions.
template <class Writer, class T, class Open>
auto make_insert_consumer(Open open, const insert_options& o) {
  return coflow::detail::batch_consumer<Writer, T, Open>{std::move(open), batch_options_of(o)};
}

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
    return make_insert_consumer<typename Driver::template writer<U>, U>(open{db, sql}, options);
  }
};

}  // namespace coflow::sql::detail
