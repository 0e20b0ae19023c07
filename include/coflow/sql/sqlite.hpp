// SPDX-License-Identifier: BSL-1.0
// coflow/sql/sqlite.hpp - typed SQLite queries as threaded sources of rows.
//
// Not part of coflow/coflow.hpp: it needs SQLite (link coflow::sqlite).
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/detail/chrono.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/stop_token.hpp"
#include "coflow/sql/detail/pool.hpp"
#include "coflow/sql/detail/query_source.hpp"
#include "coflow/sql/row.hpp"

namespace coflow::sqlite {

using sql::blob;

/// A failed SQLite query: a statement that does not prepare, a missing table, a busy or locked
/// database, a row that does not fit the declared columns, a NULL in a non-optional column.
/// `what()` names the statement, the column (index and name) and SQLite's error text.
class error : public sql::error {
 public:
  error(std::string_view what, std::string statement, int column = -1, std::string column_name = {},
        std::string db_message = {}, int code = 0)
      : sql::error{"coflow::sqlite",      what, std::move(statement), column, std::move(column_name),
                   std::move(db_message), code} {}
};

/// How a `database` opens and keeps its connections.
struct options {
  /// Connections kept open for reuse once their query ended (at least one stays open, so a
  /// shared-cache in-memory database lives as long as the `database`).
  std::size_t max_idle = 4;
  /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY
  /// (by default a second: room for another connection's short write to finish).
  std::chrono::milliseconds busy_timeout{1000};
  /// NOMUTEX: a connection is only ever used by the one query (one thread) that holds it, so
  /// SQLite's per-call connection mutex would be pure cost (several calls per row).
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
};

namespace detail {

/// The connections of one database: each running query holds one of its own, so several
/// queries of one flow run side by side; an ended or dropped query gives it back.
class pool : public sql::detail::pool_base<sqlite3*, &sqlite3_close_v2> {
 public:
  pool(std::string path, options o)
      : pool_base{o.max_idle == 0 ? 1 : o.max_idle}, path_{std::move(path)}, options_{o} {
    keep_or_close(open_one());  // fails early on a bad path; keeps shared-cache memory alive
  }

  sqlite3* acquire() {
    if (auto c = take_idle()) return *c;
    return open_one();
  }
  /// Takes a connection back, or rolls back and closes one left inside a transaction (a
  /// `BEGIN` run alone), as the PostgreSQL pool does: reused, it would keep its locks
  /// ("database is locked" for every other connection) and show its uncommitted rows to the
  /// next query.
  void release(sqlite3* c) noexcept {
    if (sqlite3_get_autocommit(c) != 0) return keep_or_close(c);
    sqlite3_exec(c, "ROLLBACK", nullptr, nullptr, nullptr);  // frees the locks now, not at close
    // Closing the last connection of an in-memory database would delete it: a fresh one
    // takes its place first. Should none open, the rolled-back one stays, as the lesser harm.
    if (in_memory(c) && !open_replacement() && sqlite3_get_autocommit(c) != 0) return keep_or_close(c);
    close(c);
  }

  const std::string& path() const noexcept { return path_; }

 private:
  sqlite3* open_one() {
    sqlite3* c = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &c, options_.open_flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = c ? sqlite3_errmsg(c) : sqlite3_errstr(rc);
      sqlite3_close_v2(c);
      throw error{"cannot open the database \"" + path_ + "\"", {}, -1, {}, std::move(msg), rc};
    }
    sqlite3_busy_timeout(c, static_cast<int>(options_.busy_timeout.count()));
    count_opened();
    return c;
  }

  // A shared-cache in-memory database (and a temporary one) has no file name.
  static bool in_memory(sqlite3* c) noexcept {
    const char* file = sqlite3_db_filename(c, "main");
    return !file || !*file;
  }
  // Opens a connection for the idle list; false when none opens.
  bool open_replacement() noexcept {
    try {
      keep_or_close(open_one());
      return true;
    } catch (...) {
      return false;
    }
  }

  std::string path_;
  options options_;
};

/// A connection borrowed from a pool for the life of one query.
class lease {
 public:
  explicit lease(std::shared_ptr<pool> p) : pool_{std::move(p)}, c_{pool_->acquire()} {}
  lease(lease&& o) noexcept : pool_{std::move(o.pool_)}, c_{std::exchange(o.c_, nullptr)} {}
  lease& operator=(lease&&) = delete;
  ~lease() { reset(); }
  void reset() noexcept {
    if (c_) pool_->release(std::exchange(c_, nullptr));
  }
  sqlite3* get() const noexcept { return c_; }

 private:
  std::shared_ptr<pool> pool_;
  sqlite3* c_;
};

inline bool only_separators(const char* tail) noexcept {
  for (; tail && *tail; ++tail)
    if (*tail != ';' && *tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r') return false;
  return true;
}

/// One prepared statement on a leased connection; finalized, and the connection given back,
/// when the query ends, fails or is dropped.
class statement {
 public:
  /// A stop request on `st` (the query was dropped) interrupts a statement being stepped.
  statement(std::shared_ptr<pool> p, std::string sql, coflow::stop_token st = {})
      : sql_{std::move(sql)}, lease_{std::move(p)}, stop_{std::move(st)} {
    // SQLite polls the handler while it runs the statement: a dropped query stops a long
    // statement without any call from another thread (an sqlite3_interrupt could arrive
    // before the first step and be forgotten, or after the connection went back to the pool).
    if (stop_.stop_possible())
      sqlite3_progress_handler(lease_.get(), stop_check_interval, &stop_requested, &stop_);
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(lease_.get(), sql_.data(), static_cast<int>(sql_.size()), &stmt_, &tail);
    if (rc != SQLITE_OK) fail("cannot prepare the statement", rc);
    if (!stmt_) fail_plain("the statement is empty");
    if (!only_separators(tail))
      fail_plain("the text holds more than one statement (only the first would run)");
  }
  statement(statement&&) = delete;
  ~statement() { close(); }

  /// Binds the parameters, in order (`?`, `?NNN`, `:name` all count by position).
  template <class... P>
  void bind(const std::tuple<P...>& params) {
    const int expected = sqlite3_bind_parameter_count(stmt_);
    if (expected != static_cast<int>(sizeof...(P)))
      fail_plain("the statement has " + std::to_string(expected) + " parameter(s), but " +
                 std::to_string(sizeof...(P)) + " value(s) were given");
    std::apply(
        [&](const P&... v) {
          int i = 0;
          (bind_one(++i, v), ...);
        },
        params);
  }

  /// Steps once: true for a row, false at the end.
  bool step() {
    if (!stmt_) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) [[likely]]
      return true;
    if (rc == SQLITE_DONE) return false;
    fail("cannot step the statement", rc);
  }

  /// Finalizes the statement and gives the connection back (idempotent).
  void close() noexcept {
    if (stmt_) sqlite3_finalize(std::exchange(stmt_, nullptr));
    if (lease_.get() && stop_.stop_possible()) sqlite3_progress_handler(lease_.get(), 0, nullptr, nullptr);
    lease_.reset();
  }

  sqlite3_stmt* get() const noexcept { return stmt_; }
  sqlite3* connection() const noexcept { return lease_.get(); }
  const std::string& sql() const noexcept { return sql_; }

  [[noreturn]] void fail(std::string_view what, int rc) {
    std::string msg = lease_.get() ? sqlite3_errmsg(lease_.get()) : sqlite3_errstr(rc);
    close();
    throw error{what, sql_, -1, {}, std::move(msg), rc};
  }
  [[noreturn]] void fail_plain(std::string_view what) {
    close();
    throw error{what, sql_};
  }

 private:
  template <class V>
  void bind_one(int i, const V& v) {
    int rc = SQLITE_OK;
    if constexpr (sql::detail::is_optional_v<V>) {
      if (!v)
        rc = sqlite3_bind_null(stmt_, i);
      else
        return bind_one(i, *v);
    } else if constexpr (std::is_same_v<V, std::nullopt_t>) {
      rc = sqlite3_bind_null(stmt_, i);
    } else if constexpr (std::is_integral_v<V>) {
      rc = sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(v));
    } else if constexpr (std::is_floating_point_v<V>) {
      rc = sqlite3_bind_double(stmt_, i, static_cast<double>(v));
    } else if constexpr (std::is_same_v<V, std::string>) {
      rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      static_assert(std::is_same_v<V, blob>);
      // A zero-length blob still binds as a blob, not as NULL.
      static const std::byte empty{};
      rc = sqlite3_bind_blob64(stmt_, i, v.empty() ? &empty : v.data(), v.size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) fail("cannot bind parameter " + std::to_string(i), rc);
  }

  // VM instructions between two looks at the stop token: often enough that a dropped query
  // stops soon, rarely enough that the look costs nothing next to the statement's own work.
  static constexpr int stop_check_interval = 1000;

  static int stop_requested(void* st) noexcept {
    return static_cast<coflow::stop_token*>(st)->stop_requested() ? 1 : 0;
  }

  std::string sql_;
  lease lease_;
  coflow::stop_token stop_;
  sqlite3_stmt* stmt_ = nullptr;
};

inline std::string_view storage_class_name(int type) noexcept {
  switch (type) {
    case SQLITE_INTEGER: return "INTEGER";
    case SQLITE_FLOAT: return "REAL";
    case SQLITE_TEXT: return "TEXT";
    case SQLITE_BLOB: return "BLOB";
    default: return "NULL";
  }
}

template <class T>
[[noreturn]] void column_error(sqlite3_stmt* s, const std::string& sql, int i, std::string what) {
  const char* name = sqlite3_column_name(s, i);
  throw error{what, sql, i, name ? name : "", {}, 0};
}

/// Column `i` holds a storage class (`type`) that a `T` cannot be read from.
template <class T>
[[noreturn]] void storage_mismatch(sqlite3_stmt* s, const std::string& sql, int i, int type) {
  if (type == SQLITE_NULL)
    column_error<T>(s, sql, i,
                    "is NULL, but the row declares " + sql::detail::column_type_name<T>() +
                        " (declare std::optional<" + sql::detail::column_type_name<T>() +
                        "> to accept NULL)");
  column_error<T>(s, sql, i,
                  "holds " + std::string{storage_class_name(type)} + ", which does not fit the declared " +
                      sql::detail::column_type_name<T>());
}

/// Reads column `i` of the current row as a `T`, checking SQLite's storage class against it.
template <class T>
T read_column(sqlite3_stmt* s, const std::string& sql, int i) {
  const int type = sqlite3_column_type(s, i);
  if constexpr (sql::detail::is_optional_v<T>) {
    if (type == SQLITE_NULL) return std::nullopt;
    return read_column<typename T::value_type>(s, sql, i);
  } else {
    auto mismatch = [&]() { storage_mismatch<T>(s, sql, i, type); };
    if constexpr (std::is_integral_v<T>) {
      if (type != SQLITE_INTEGER) [[unlikely]]
        mismatch();
      const sqlite3_int64 v = sqlite3_column_int64(s, i);
      if (!sql::detail::fits<T>(v)) [[unlikely]]
        column_error<T>(s, sql, i,
                        "holds " + std::to_string(v) + ", which does not fit the declared " +
                            sql::detail::column_type_name<T>());
      return static_cast<T>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) [[unlikely]]
        mismatch();
      return static_cast<T>(sqlite3_column_double(s, i));
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (type != SQLITE_TEXT) [[unlikely]]
        mismatch();
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
      return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    } else {
      static_assert(std::is_same_v<T, blob>);
      if (type != SQLITE_BLOB) [[unlikely]]
        mismatch();
      const auto* p = static_cast<const std::byte*>(sqlite3_column_blob(s, i));
      const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, i));
      return p ? blob(p, p + n) : blob{};
    }
  }
}

/// The blocking side of a query, run on its worker thread: prepares and binds on
/// construction, then gives one typed row per `next()` until the end.
template <class Row, class... Cols>
class cursor {
 public:
  using value_type = Row;

  /// A stop request (the query was dropped) interrupts the statement being stepped.
  template <class... P>
  cursor(std::shared_ptr<pool> p, std::string sql, const std::tuple<P...>& params, coflow::stop_token st = {})
      : stmt_{std::move(p), std::move(sql), std::move(st)} {
    const int n = sqlite3_column_count(stmt_.get());
    if (n != static_cast<int>(sizeof...(Cols))) {
      std::string declared;
      ((declared += (declared.empty() ? "" : ", ") + sql::detail::column_type_name<Cols>()), ...);
      stmt_.fail_plain("the statement gives " + std::to_string(n) + " column(s), but the row declares " +
                       std::to_string(sizeof...(Cols)) + " (" + declared + ")");
    }
    stmt_.bind(params);
  }

  cursor(cursor&&) = delete;

  /// The next row, or nothing at the end (the statement is closed then).
  std::optional<Row> next() {
    if (!advance()) return std::nullopt;
    return read(std::index_sequence_for<Cols...>{});
  }
  std::optional<Row> operator()() { return next(); }

  /// Steps to the next row: false at the end (the statement is closed then).
  bool advance() {
    if (stmt_.step()) [[likely]]
      return true;
    stmt_.close();
    return false;
  }
  /// Appends the current row (after `advance()` gave true).
  void append_to(std::vector<Row>& out) { out.push_back(read(std::index_sequence_for<Cols...>{})); }

  /// Appends up to `n` rows to `out`; false when the query had no row left.
  bool next_batch(std::vector<Row>& out, std::size_t n) {
    const std::size_t before = out.size();
    while (out.size() - before < n && advance()) append_to(out);
    return out.size() != before;
  }

  /// The connection the query runs on (null once it ended).
  sqlite3* connection() const noexcept { return stmt_.connection(); }

 private:
  template <std::size_t... I>
  Row read(std::index_sequence<I...>) {
    sqlite3_stmt* s = stmt_.get();
    const std::string& sql = stmt_.sql();
    try {
      if constexpr (sizeof...(Cols) == 1)
        return read_column<Cols...>(s, sql, 0);
      else
        return Row{read_column<Cols>(s, sql, static_cast<int>(I))...};
    } catch (...) {
      stmt_.close();
      throw;
    }
  }

  statement stmt_;
};

/// What a query's worker thread calls: opens the cursor there.
template <class Row, class Params, class... Cols>
struct opener {
  std::shared_ptr<pool> db;
  std::string sql;
  Params params;

  cursor<Row, Cols...> operator()(coflow::stop_token st) {
    return cursor<Row, Cols...>{std::move(db), std::move(sql), params, std::move(st)};
  }
  sql::detail::chunked_cursor<cursor<Row, Cols...>> chunked(coflow::stop_token st) {
    return sql::detail::chunked_cursor<cursor<Row, Cols...>>{std::move(db), std::move(sql), params,
                                                             std::move(st)};
  }
  sql::detail::batched_cursor<cursor<Row, Cols...>> batched(std::size_t n, coflow::stop_token st) {
    return sql::detail::batched_cursor<cursor<Row, Cols...>>{n, std::move(db), std::move(sql), params,
                                                             std::move(st)};
  }
};

struct query_name {
  static constexpr std::string_view value = "sqlite::query";
};

template <class... P>
inline constexpr bool bindable_params_v = (sql::detail::bindable_v<P> && ...);

}  // namespace detail

/// A SQLite database: a file path, or a URI such as `file:name?mode=memory&cache=shared` (a
/// shared-cache in-memory database, which all of its connections see; plain `:memory:` would
/// give every connection a database of its own). Each running query borrows a connection of
/// its own from a small pool, so queries of one flow run in parallel; an ended or dropped
/// query gives it back. Copies share the pool.
///
///     coflow::sqlite::database db{"file:app?mode=memory&cache=shared"};
///     db.execute("CREATE TABLE t(id INTEGER, name TEXT)");
///     db.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
class database {
 public:
  explicit database(std::string path, options o = {})
      : pool_{std::make_shared<detail::pool>(std::move(path), o)} {}

  /// Runs one statement to its end on the calling thread (for set-up: it blocks) and gives the
  /// number of rows it inserted, updated or deleted (0 for other statements). Values are bound
  /// as parameters, never formatted into the text. Not for explicit transactions: a `BEGIN` is
  /// rolled back when its connection goes back to the pool, at the end of this call (run what
  /// must be atomic as one statement).
  template <class... P>
  std::int64_t execute(std::string sql, const P&... params) const {
    static_assert(detail::bindable_params_v<P...>,
                  "coflow::sqlite::database::execute: a parameter type cannot be bound (use an "
                  "integer of up to 64 bits other than std::uint64_t, a floating-point number, a "
                  "string, coflow::sql::blob, std::optional of those, or std::nullopt)");
    detail::statement s{pool_, std::move(sql)};
    s.bind(std::tuple<sql::detail::stored_param_t<P>...>{params...});
    // A difference of totals: sqlite3_changes() keeps the last INSERT's count across DDL.
    const sqlite3_int64 before = sqlite3_total_changes64(s.connection());
    while (s.step()) {
    }
    return sqlite3_total_changes64(s.connection()) - before;
  }

  /// Connections open now (in use or idle).
  [[nodiscard]] std::size_t open_connections() const { return pool_->open(); }
  /// Connections open and waiting for a query.
  [[nodiscard]] std::size_t idle_connections() const { return pool_->idle(); }
  [[nodiscard]] const std::string& path() const noexcept { return pool_->path(); }

  const std::shared_ptr<detail::pool>& pool() const noexcept { return pool_; }

 private:
  std::shared_ptr<detail::pool> pool_;
};

/// `query<Cols...>(db, sql, params...)`: a threaded source of the rows of one statement, each a
/// `std::tuple<Cols...>` (with one column, the value itself). The statement is prepared, its
/// parameters bound (`?` placeholders, in order; values are never formatted into the text) and
/// stepped on a worker thread, on a connection of its own from `db`'s pool; rows cross to the
/// flow through an SPSC ring. A `std::optional<C>` column takes NULL. Every failure (a bad
/// statement, a missing table, a busy database, a row that does not fit) is a
/// `coflow::sqlite::error` after the rows before it. Dropping the stage interrupts the statement,
/// finalizes it and gives the connection back.
///
///     auto rows = coflow::sqlite::query<std::int64_t, std::string>(db, "SELECT id, name FROM t WHERE id >
///     ?", 10); for (auto& [id, name] : coflow::block(std::move(rows))) use(id, name); auto batches =
///     coflow::sqlite::query<std::string>(db, "SELECT name FROM t").fetch_many(500);
template <class... Cols, class... P>
auto query(const database& db, std::string sql, P&&... params) {
  if constexpr (!(sql::detail::readable_column_v<Cols> && ...)) {
    static_assert(coflow::detail::always_false<Cols...>,
                  "coflow::sqlite::query: a declared column type cannot be read (use an integer "
                  "of up to 64 bits other than std::uint64_t, bool, float, double, std::string, "
                  "coflow::sql::blob, or std::optional of those)");
    return coflow::detail::ill_formed{};
  } else if constexpr (!detail::bindable_params_v<std::remove_cvref_t<P>...>) {
    static_assert(coflow::detail::always_false<P...>,
                  "coflow::sqlite::query: a parameter type cannot be bound (use an integer of up to "
                  "64 bits other than std::uint64_t, a floating-point number, a string, "
                  "coflow::sql::blob, std::optional of those, or std::nullopt)");
    return coflow::detail::ill_formed{};
  } else {
    using row = sql::row_t<Cols...>;
    using param_tuple = std::tuple<sql::detail::stored_param_t<std::remove_cvref_t<P>>...>;
    using open = detail::opener<row, param_tuple, Cols...>;
    return sql::detail::query_source<open, row, detail::query_name>{
        open{db.pool(), std::move(sql), param_tuple{std::forward<P>(params)...}}};
  }
}

}  // namespace coflow::sqlite
