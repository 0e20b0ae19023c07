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
#include "coflow/scheduling/deferred.hpp"
#include "coflow/scheduling/scheduler.hpp"
#include "coflow/sinks/sink.hpp"
#include "coflow/sql/detail/insert_sink.hpp"
#include "coflow/sql/detail/interaction.hpp"
#include "coflow/sql/detail/query_source.hpp"
#include "coflow/sql/detail/statement_cache.hpp"
#include "coflow/sql/detail/transaction_state.hpp"
#include "coflow/sql/detail/values.hpp"
#include "coflow/sql/row.hpp"
#include "coflow/threads/detail/pool.hpp"

namespace coflow::sqlite {

using sql::blob;
using sql::insert_options;

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

/// A failed `insert`: names the failing row (its index in the flow and its values) and how many
/// rows were committed before it (`row()` is -1 when no single row is at fault: a failed
/// commit). `db_message()` and `code()` are SQLite's.
class insert_error : public error {
 public:
  insert_error(std::string_view what, std::string statement, std::string db_message, int code,
               std::int64_t row, std::int64_t committed)
      : error{what, std::move(statement), -1, {}, std::move(db_message), code},
        row_{row},
        committed_{committed} {}
  [[nodiscard]] std::int64_t row() const noexcept { return row_; }
  [[nodiscard]] std::int64_t rows_committed() const noexcept { return committed_; }

 private:
  std::int64_t row_;
  std::int64_t committed_;
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

/// One open connection and the statements it keeps prepared (see `sql::detail::statement_cache`).
struct handle {
  sqlite3* db = nullptr;
  sql::detail::statement_cache<sqlite3_stmt*> cache;

  /// Finalizes the cached statements, then closes the connection.
  static void destroy(handle* h) noexcept {
    for (sqlite3_stmt* s : h->cache.clear()) sqlite3_finalize(s);
    sqlite3_close_v2(h->db);
    delete h;
  }
};

/// The connections of one database: each running query holds one of its own, so several
/// queries of one flow run side by side; an ended or dropped query gives it back.
class pool : public coflow::detail::pool_base<handle*, &handle::destroy> {
 public:
  pool(std::string path, options o)
      : pool_base{o.max_idle == 0 ? 1 : o.max_idle}, path_{std::move(path)}, options_{o} {
    keep_or_close(open_one());  // fails early on a bad path; keeps shared-cache memory alive
  }

  handle* acquire() {
    if (auto c = take_idle()) return *c;
    return open_one();
  }
  /// Takes a connection back, or rolls back and closes one left inside a transaction (a
  /// `BEGIN` run alone), as the PostgreSQL pool does: reused, it would keep its locks
  /// ("database is locked" for every other connection) and show its uncommitted rows to the
  /// next query.
  void release(handle* c) noexcept {
    if (sqlite3_get_autocommit(c->db) != 0) return keep_or_close(c);
    sqlite3_exec(c->db, "ROLLBACK", nullptr, nullptr, nullptr);  // frees the locks now, not at close
    // Closing the last connection of an in-memory database would delete it: a fresh one
    // takes its place first. Should none open, the rolled-back one stays, as the lesser harm.
    if (in_memory(c->db) && !open_replacement() && sqlite3_get_autocommit(c->db) != 0)
      return keep_or_close(c);
    close(c);
  }

  const std::string& path() const noexcept { return path_; }

 private:
  handle* open_one() {
    sqlite3* c = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &c, options_.open_flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = c ? sqlite3_errmsg(c) : sqlite3_errstr(rc);
      sqlite3_close_v2(c);
      throw error{"cannot open the database \"" + path_ + "\"", {}, -1, {}, std::move(msg), rc};
    }
    sqlite3_busy_timeout(c, static_cast<int>(options_.busy_timeout.count()));
    count_opened();
    return new handle{c, {}};
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

/// A connection borrowed from a pool, given back when the lease ends (empty: none).
class lease {
 public:
  lease() = default;
  explicit lease(std::shared_ptr<pool> p) : pool_{std::move(p)}, c_{pool_->acquire()} {}
  lease(lease&& o) noexcept : pool_{std::move(o.pool_)}, c_{std::exchange(o.c_, nullptr)} {}
  lease& operator=(lease&&) = delete;
  ~lease() { reset(); }
  void reset() noexcept {
    if (c_) pool_->release(std::exchange(c_, nullptr));
  }
  handle* get() const noexcept { return c_; }

 private:
  std::shared_ptr<pool> pool_;
  handle* c_ = nullptr;
};

inline bool only_separators(const char* tail) noexcept {
  for (; tail && *tail; ++tail)
    if (*tail != ';' && *tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r') return false;
  return true;
}

/// Runs a statement without parameters or rows (`BEGIN`, `COMMIT`) on a connection.
inline void run_plain(handle& c, const char* sql) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(c.db, sql, nullptr, nullptr, &msg);
  if (rc == SQLITE_OK) return;
  std::string text = msg ? msg : sqlite3_errstr(rc);
  sqlite3_free(msg);
  throw error{"cannot run the statement", sql, -1, {}, std::move(text), rc};
}

/// Rolls back the transaction open on `c`, if one is.
inline void rollback_open(handle& c) noexcept {
  if (sqlite3_get_autocommit(c.db) == 0) sqlite3_exec(c.db, "ROLLBACK", nullptr, nullptr, nullptr);
}

/// One statement, taken from its connection's cache (prepared there if it is not cached) and
/// put back, reset, when it ends, fails or is dropped. On a connection leased for it (a query,
/// `execute`), given back then too; or on a connection held elsewhere (a transaction).
class statement {
 public:
  /// A stop request on `st` (the query was dropped) interrupts a statement being stepped.
  statement(std::shared_ptr<pool> p, std::string sql, coflow::stop_token st = {})
      : sql_{std::move(sql)}, lease_{std::move(p)}, conn_{lease_.get()}, stop_{std::move(st)} {
    open();
  }
  statement(handle& c, std::string sql, coflow::stop_token st = {})
      : sql_{std::move(sql)}, conn_{&c}, stop_{std::move(st)} {
    open();
  }
  statement(statement&&) = delete;
  ~statement() { close(); }

  /// Binds the parameters, in order (`?`, `?NNN`, `:name` all count by position); SQLite
  /// copies strings and blobs.
  template <class... P>
  void bind(const std::tuple<P...>& params) {
    check_count(sizeof...(P));
    std::apply([&](const P&... v) { bind_all(SQLITE_TRANSIENT, v...); }, params);
  }
  /// Binds values that outlive the statement's next run (SQLite does not copy them).
  template <class... P>
  void bind_in_place(const P&... v) {
    check_count(sizeof...(P));
    bind_all(SQLITE_STATIC, v...);
  }
  /// Binds the values of a row in place, once its size was checked (`check_count`).
  template <class... P>
  void bind_all([[maybe_unused]] sqlite3_destructor_type how, const P&... v) {
    [[maybe_unused]] int i = 0;
    (bind_one(++i, v, how), ...);
  }
  void check_count(std::size_t given) {
    const int expected = sqlite3_bind_parameter_count(stmt_);
    if (expected != static_cast<int>(given))
      fail_plain("the statement has " + std::to_string(expected) + " parameter(s), but " +
                 std::to_string(given) + " value(s) were given");
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
  /// Steps to the end; gives the rows inserted, updated or deleted (a difference of totals:
  /// sqlite3_changes() keeps the last INSERT's count across DDL).
  std::int64_t run() {
    const sqlite3_int64 before = sqlite3_total_changes64(conn_->db);
    while (step()) {
    }
    return sqlite3_total_changes64(conn_->db) - before;
  }
  /// Makes the statement ready to run again (its bindings stay until rebound).
  void rewind() noexcept { sqlite3_reset(stmt_); }

  /// Puts the statement back into its connection's cache and gives a leased connection back
  /// (idempotent).
  void close() noexcept {
    if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
      if (auto old = conn_->cache.put(sql_, std::exchange(stmt_, nullptr))) sqlite3_finalize(*old);
    }
    if (conn_ && stop_.stop_possible()) sqlite3_progress_handler(conn_->db, 0, nullptr, nullptr);
    if (lease_.get()) conn_ = nullptr;
    lease_.reset();
  }

  sqlite3_stmt* get() const noexcept { return stmt_; }
  sqlite3* connection() const noexcept { return conn_ ? conn_->db : nullptr; }
  const std::string& sql() const noexcept { return sql_; }

  [[noreturn]] void fail(std::string_view what, int rc) {
    std::string msg = conn_ ? sqlite3_errmsg(conn_->db) : sqlite3_errstr(rc);
    const int code = conn_ ? sqlite3_extended_errcode(conn_->db) : rc;
    close();
    throw error{what, sql_, -1, {}, std::move(msg), code};
  }
  [[noreturn]] void fail_plain(std::string_view what) {
    close();
    throw error{what, sql_};
  }

 private:
  void open() {
    // SQLite polls the handler while it runs the statement: a dropped query stops a long
    // statement without any call from another thread (an sqlite3_interrupt could arrive
    // before the first step and be forgotten, or after the connection went back to the pool).
    if (stop_.stop_possible())
      sqlite3_progress_handler(conn_->db, stop_check_interval, &stop_requested, &stop_);
    if (auto cached = conn_->cache.take(sql_)) {
      stmt_ = *cached;
      return;
    }
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(conn_->db, sql_.data(), static_cast<int>(sql_.size()), &stmt_, &tail);
    if (rc != SQLITE_OK) fail("cannot prepare the statement", rc);
    if (!stmt_) fail_plain("the statement is empty");
    if (!only_separators(tail)) {
      sqlite3_finalize(std::exchange(stmt_, nullptr));  // not cached: it would run only part
      fail_plain("the text holds more than one statement (only the first would run)");
    }
  }

  template <class V>
  void bind_one(int i, const V& v, sqlite3_destructor_type how) {
    int rc = SQLITE_OK;
    if constexpr (sql::detail::is_optional_v<V>) {
      if (!v)
        rc = sqlite3_bind_null(stmt_, i);
      else
        return bind_one(i, *v, how);
    } else if constexpr (std::is_same_v<V, std::nullopt_t>) {
      rc = sqlite3_bind_null(stmt_, i);
    } else if constexpr (std::is_integral_v<V>) {
      rc = sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(v));
    } else if constexpr (std::is_floating_point_v<V>) {
      rc = sqlite3_bind_double(stmt_, i, static_cast<double>(v));
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
      const std::string_view text{v};
      rc = sqlite3_bind_text64(stmt_, i, text.data(), text.size(), how, SQLITE_UTF8);
    } else {
      static_assert(std::is_same_v<V, blob>);
      // A zero-length blob still binds as a blob, not as NULL.
      static const std::byte empty{};
      rc = sqlite3_bind_blob64(stmt_, i, v.empty() ? &empty : v.data(), v.size(), how);
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
  handle* conn_ = nullptr;
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

/// Reads `v`, column `i` of the current row of `s`, as a `T`, checking SQLite's storage class
/// against it.
template <class T>
T read_value(sqlite3_value* v, sqlite3_stmt* s, const std::string& sql, int i) {
  const int type = sqlite3_value_type(v);
  if constexpr (sql::detail::is_optional_v<T>) {
    if (type == SQLITE_NULL) return std::nullopt;
    return read_value<typename T::value_type>(v, s, sql, i);
  } else {
    auto mismatch = [&]() { storage_mismatch<T>(s, sql, i, type); };
    if constexpr (std::is_integral_v<T>) {
      if (type != SQLITE_INTEGER) [[unlikely]]
        mismatch();
      const sqlite3_int64 n = sqlite3_value_int64(v);
      if (!sql::detail::fits<T>(n)) [[unlikely]]
        column_error<T>(s, sql, i,
                        "holds " + std::to_string(n) + ", which does not fit the declared " +
                            sql::detail::column_type_name<T>());
      return static_cast<T>(n);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) [[unlikely]]
        mismatch();
      return static_cast<T>(sqlite3_value_double(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (type != SQLITE_TEXT) [[unlikely]]
        mismatch();
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      return std::string(p, static_cast<std::size_t>(sqlite3_value_bytes(v)));
    } else {
      static_assert(std::is_same_v<T, blob>);
      if (type != SQLITE_BLOB) [[unlikely]]
        mismatch();
      const auto* p = static_cast<const std::byte*>(sqlite3_value_blob(v));
      const auto n = static_cast<std::size_t>(sqlite3_value_bytes(v));
      return p ? blob(p, p + n) : blob{};
    }
  }
}

/// Reads column `i` of the current row as a `T`. The column is fetched once as a
/// `sqlite3_value` and read through it: each `sqlite3_column_*` call would look the column up
/// and check the connection's error state again (the connection is this thread's alone, so the
/// value needs no lock).
template <class T>
T read_column(sqlite3_stmt* s, const std::string& sql, int i) {
  return read_value<T>(sqlite3_column_value(s, i), s, sql, i);
}

/// Fails `s` unless its statement gives as many columns as the row declares.
template <class... Cols>
void check_column_count(statement& s) {
  const int n = sqlite3_column_count(s.get());
  if (n == static_cast<int>(sizeof...(Cols))) return;
  std::string declared;
  ((declared += (declared.empty() ? "" : ", ") + sql::detail::column_type_name<Cols>()), ...);
  s.fail_plain("the statement gives " + std::to_string(n) + " column(s), but the row declares " +
               std::to_string(sizeof...(Cols)) + " (" + declared + ")");
}

/// The current row of `s`, typed (closes `s` when a column does not fit).
template <class Row, class... Cols, std::size_t... I>
Row read_row(statement& s, std::index_sequence<I...>) {
  sqlite3_stmt* st = s.get();
  const std::string& sql = s.sql();
  try {
    if constexpr (sizeof...(Cols) == 1)
      return read_column<Cols...>(st, sql, 0);
    else
      return Row{read_column<Cols>(st, sql, static_cast<int>(I))...};
  } catch (...) {
    s.close();
    throw;
  }
}

/// Every row of a statement already bound, typed.
template <class... Cols>
std::vector<sql::row_t<Cols...>> collect_rows(statement& s) {
  using row = sql::row_t<Cols...>;
  check_column_count<Cols...>(s);
  std::vector<row> rows;
  while (s.step()) rows.push_back(read_row<row, Cols...>(s, std::index_sequence_for<Cols...>{}));
  return rows;
}

/// The blocking side of a query, run on its worker thread: prepares and binds on
/// construction, then gives one typed row per `next()` until the end.
template <class Row, class... Cols>
class cursor {
 public:
  using value_type = Row;

  /// `where` is the pool to lease a connection from (a query) or a connection (a transaction).
  /// A stop request (the query was dropped) interrupts the statement being stepped.
  template <class Where, class... P>
  cursor(Where&& where, std::string sql, const std::tuple<P...>& params, coflow::stop_token st = {})
      : stmt_{std::forward<Where>(where), std::move(sql), std::move(st)} {
    check_column_count<Cols...>(stmt_);
    stmt_.bind(params);
  }

  cursor(cursor&&) = delete;

  /// The next row, or nothing at the end (the statement is closed then).
  std::optional<Row> next() {
    if (!advance()) return std::nullopt;
    return read_row<Row, Cols...>(stmt_, std::index_sequence_for<Cols...>{});
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
  void append_to(std::vector<Row>& out) {
    out.push_back(read_row<Row, Cols...>(stmt_, std::index_sequence_for<Cols...>{}));
  }

  /// Appends up to `n` rows to `out`; false when the query had no row left.
  bool next_batch(std::vector<Row>& out, std::size_t n) {
    const std::size_t before = out.size();
    while (out.size() - before < n && advance()) append_to(out);
    return out.size() != before;
  }

  /// The connection the query runs on (null once it ended).
  sqlite3* connection() const noexcept { return stmt_.connection(); }

 private:
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

/// A connection held for a transaction or for statements prepared on it (see
/// `sql::detail::session_base`).
struct session : sql::detail::session_base<session, error> {
  session(std::shared_ptr<pool> p, bool in_transaction)
      : sql::detail::session_base<session, error>{{in_transaction}}, held{std::move(p)} {}

  lease held;

  handle& conn() noexcept { return *held.get(); }
  void rollback() noexcept { rollback_open(conn()); }
  void run_plain(const char* sql) { detail::run_plain(conn(), sql); }
};

/// The writer of an `insert`, on its worker thread: one leased connection, one prepared
/// statement, a transaction per batch.
template <class T>
class insert_writer {
 public:
  insert_writer(std::shared_ptr<pool> p, std::string sql)
      : lease_{std::move(p)}, stmt_{*lease_.get(), std::move(sql)} {
    stmt_.check_count(static_cast<std::size_t>(sql::detail::row_arity<T>()));
  }
  void begin() { run_plain(*lease_.get(), "BEGIN IMMEDIATE"); }
  void write(const T& row) {
    stmt_.rewind();
    sql::detail::apply_values(row, [&](const auto&... v) { stmt_.bind_all(SQLITE_STATIC, v...); });
    while (stmt_.step()) {
    }
  }
  void commit() { run_plain(*lease_.get(), "COMMIT"); }
  void rollback() noexcept { rollback_open(*lease_.get()); }
  static std::string describe(const T& row) { return sql::detail::describe_row(row); }
  [[noreturn]] void fail(std::exception_ptr cause, const sql::detail::insert_failure& f) {
    sql::detail::throw_insert_error<error>(
        cause, f, [&](const std::string& text, std::string cause_text, int code) {
          return insert_error{text, stmt_.sql(), std::move(cause_text), code, f.row, f.committed};
        });
  }

 private:
  lease lease_;
  statement stmt_;  // after the lease: put back into its connection's cache first
};

/// What `insert` needs of the driver (see `sql::detail::insert_sink`).
struct insert_driver {
  static constexpr std::string_view name = "sqlite::insert";
  using pool_type = pool;
  template <class T>
  using writer = insert_writer<T>;
};

}  // namespace detail

/// A statement prepared once and run many times, with parameters of the types `P...` (checked
/// by the compiler at each call). From `database::prepare` it holds a connection of its own and
/// each run commits at once; from `transaction::prepare` it runs inside that transaction (a
/// failure rolls the transaction back) and must not be used after the transaction ended.
///
///     auto tx = db.begin();
///     auto ins = tx.prepare<std::int64_t, std::string_view>("INSERT INTO t VALUES (?, ?)");
///     for (auto& [id, name] : rows) ins.execute(id, name);
///     tx.commit();
template <class... P>
class prepared {
 public:
  prepared(std::shared_ptr<detail::session> s, std::string sql) : session_{std::move(s)} {
    session_->guarded(sql, [&] {
      stmt_ = std::make_unique<detail::statement>(session_->conn(), std::move(sql));
      stmt_->check_count(sizeof...(P));
    });
  }

  /// Runs the statement to its end: the rows it inserted, updated or deleted.
  std::int64_t execute(const P&... params) {
    return session_->guarded(stmt_->sql(), [&] {
      bind(params...);
      return stmt_->run();
    });
  }
  /// Runs the statement and gives its rows, typed as in `query<Cols...>`.
  template <class... Cols>
  std::vector<sql::row_t<Cols...>> query(const P&... params) {
    return session_->guarded(stmt_->sql(), [&] {
      bind(params...);
      return detail::collect_rows<Cols...>(*stmt_);
    });
  }

 private:
  void bind(const P&... params) {
    if (!stmt_->get()) {  // a failure put it back into the cache: take it again
      std::string sql = stmt_->sql();
      stmt_.reset();
      stmt_ = std::make_unique<detail::statement>(session_->conn(), std::move(sql));
    }
    stmt_->rewind();
    stmt_->bind_all(SQLITE_STATIC, params...);
  }

  std::shared_ptr<detail::session> session_;
  std::unique_ptr<detail::statement> stmt_;  // after the session: back into its cache first
};

namespace detail {
template <class Sql, class... P>
constexpr bool check_prepare() {
  if constexpr (!bindable_params_v<P...>) {
    static_assert(coflow::detail::always_false<Sql>,
                  "coflow::sqlite::prepare: a parameter type cannot be bound (use an integer of up to "
                  "64 bits other than std::uint64_t, a floating-point number, std::string, "
                  "std::string_view, coflow::sql::blob, or std::optional of those)");
    return false;
  } else if constexpr (sql::detail::known_parameters<Sql>() >= 0 &&
                       sql::detail::known_parameters<Sql>() != static_cast<int>(sizeof...(P))) {
    static_assert(coflow::detail::always_false<Sql>,
                  "coflow::sqlite::prepare: the statement has a different number of placeholders "
                  "than parameter types");
    return false;
  } else {
    return true;
  }
}
}  // namespace detail

/// A transaction (`BEGIN IMMEDIATE`) on one connection of the pool, held for its whole life:
/// every statement run through it sees the others' writes and commits or rolls back with them.
/// Rolled back when destroyed without `commit()`, and as soon as one of its statements fails
/// (the statement's error is thrown; later calls fail with "the transaction was rolled back
/// after a failed statement"). `BEGIN IMMEDIATE` takes the write lock at once, so concurrent
/// transactions on one file wait for each other for up to `options.busy_timeout`, then fail
/// with "database is locked". Not thread-safe: one thread at a time.
///
///     auto tx = db.begin();
///     tx.execute("UPDATE account SET balance = balance - ? WHERE id = ?", 10, 1);
///     tx.execute("UPDATE account SET balance = balance + ? WHERE id = ?", 10, 2);
///     tx.commit();
class transaction : public sql::detail::transaction_base<detail::session, error> {
 public:
  explicit transaction(std::shared_ptr<detail::pool> p)
      : transaction_base{std::make_shared<detail::session>(std::move(p), true), "BEGIN IMMEDIATE"} {}

  /// Runs one statement to its end inside the transaction: the rows it changed.
  template <class... P>
  auto execute(std::string sql, const P&... params) {
    if constexpr (!detail::bindable_params_v<P...>) {
      static_assert(coflow::detail::always_false<P...>,
                    "coflow::sqlite::transaction::execute: a parameter type cannot be bound (use an "
                    "integer of up to 64 bits other than std::uint64_t, a floating-point number, a "
                    "string, coflow::sql::blob, std::optional of those, or std::nullopt)");
      return coflow::detail::ill_formed{};
    } else {
      return live(sql).guarded(sql, [&] {
        detail::statement st{s_->conn(), std::move(sql)};
        st.bind_in_place(params...);
        return st.run();
      });
    }
  }

  /// Runs a query inside the transaction and gives all its rows, typed as in `query<Cols...>`.
  template <class... Cols, class... P>
  auto query(std::string sql, const P&... params) {
    if constexpr (!((sql::detail::readable_column_v<Cols> && ...) && detail::bindable_params_v<P...>)) {
      static_assert(coflow::detail::always_false<Cols..., P...>,
                    "coflow::sqlite::transaction::query: a declared column type cannot be read or a "
                    "parameter type cannot be bound (see coflow::sqlite::query)");
      return coflow::detail::ill_formed{};
    } else {
      return live(sql).guarded(sql, [&] {
        detail::statement st{s_->conn(), std::move(sql)};
        st.bind_in_place(params...);
        return detail::collect_rows<Cols...>(st);
      });
    }
  }

  /// A statement prepared inside the transaction (see `prepared`).
  template <class... P, class Sql>
  auto prepare(Sql&& sql) {
    if constexpr (!detail::check_prepare<std::remove_cvref_t<Sql>, P...>())
      return coflow::detail::ill_formed{};
    else
      return prepared<P...>{s_, std::string(std::forward<Sql>(sql))};
  }
};

/// A SQLite database: a file path, or a URI such as `file:name?mode=memory&cache=shared` (a
/// shared-cache in-memory database, which all of its connections see; plain `:memory:` would
/// give every connection a database of its own). Each running query borrows a connection of
/// its own from a small pool, so queries of one flow run in parallel; an ended or dropped
/// query gives it back. Copies share the pool. Each connection keeps the statements it ran
/// prepared (up to 32, by SQL text), so running the same text again does not prepare it again.
///
///     coflow::sqlite::database db{"file:app?mode=memory&cache=shared"};
///     db.execute("CREATE TABLE t(id INTEGER, name TEXT)");
///     db.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
class database {
 public:
  explicit database(std::string path, options o = {})
      : pool_{std::make_shared<detail::pool>(std::move(path), o)} {}

  /// Runs one statement to its end on the calling thread (it blocks) and gives the number of
  /// rows it inserted, updated or deleted (0 for other statements). Values are bound as
  /// parameters, never formatted into the text. Each call may run on another connection of the
  /// pool: for several statements in one transaction, use `begin()`.
  template <class... P>
  auto execute(std::string sql, const P&... params) const {
    if constexpr (!detail::bindable_params_v<P...>) {
      static_assert(coflow::detail::always_false<P...>,
                    "coflow::sqlite::database::execute: a parameter type cannot be bound (use an "
                    "integer of up to 64 bits other than std::uint64_t, a floating-point number, a "
                    "string, coflow::sql::blob, std::optional of those, or std::nullopt)");
      return coflow::detail::ill_formed{};
    } else {
      detail::statement s{pool_, std::move(sql)};
      s.bind_in_place(params...);
      return s.run();
    }
  }

  /// `execute` on a worker thread: the deferred fires on `sched`'s thread with the count (or
  /// the error), and the scheduler's thread never blocks on the database.
  template <class... P>
  auto execute_async(scheduler& sched, std::string sql, P&&... params) const {
    if constexpr (!detail::bindable_params_v<std::remove_cvref_t<P>...>) {
      static_assert(coflow::detail::always_false<P...>,
                    "coflow::sqlite::database::execute_async: a parameter type cannot be bound (see "
                    "coflow::sqlite::database::execute)");
      return coflow::detail::ill_formed{};
    } else {
      using stored = std::tuple<sql::detail::stored_param_t<std::remove_cvref_t<P>>...>;
      return sql::detail::run_on_worker<std::int64_t>(
          sched, [p = pool_, text = std::move(sql), args = stored{std::forward<P>(params)...}]() mutable {
            detail::statement s{std::move(p), std::move(text)};
            s.bind(args);
            return s.run();
          });
    }
  }

  /// A transaction on one connection of the pool (see `coflow::sqlite::transaction`).
  [[nodiscard]] coflow::sqlite::transaction begin() const { return coflow::sqlite::transaction{pool_}; }

  /// `f(tx)` in a transaction on a worker thread (Twisted's `runInteraction`): committed when
  /// `f` returns (unless it committed or rolled back itself), rolled back when it throws. The
  /// deferred fires on `sched`'s thread with `f`'s result, or errbacks with its exception.
  ///
  ///     coflow::deferred<std::int64_t> d = db.transaction(sched, [](coflow::sqlite::transaction& tx) {
  ///       tx.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
  ///       return tx.query<std::int64_t>("SELECT count(*) FROM t").front();
  ///     });
  template <class F>
  auto transaction(scheduler& sched, F f) const {
    if constexpr (!std::is_invocable_v<F&, coflow::sqlite::transaction&>) {
      static_assert(coflow::detail::always_false<F>,
                    "coflow::sqlite::database::transaction: the function must be callable with a "
                    "coflow::sqlite::transaction&");
      return coflow::detail::ill_formed{};
    } else {
      return sql::detail::run_interaction<coflow::sqlite::transaction>(sched, pool_, std::move(f));
    }
  }

  /// A statement prepared on a connection of its own (held until the statement is destroyed);
  /// each run commits at once. See `prepared`.
  template <class... P, class Sql>
  auto prepare(Sql&& sql) const {
    if constexpr (!detail::check_prepare<std::remove_cvref_t<Sql>, P...>())
      return coflow::detail::ill_formed{};
    else
      return prepared<P...>{std::make_shared<detail::session>(pool_, false),
                            std::string(std::forward<Sql>(sql))};
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

/// The sink of `insert`: see there.
template <class Sql>
struct insert_sink : sql::detail::insert_sink_base<insert_sink<Sql>, detail::insert_driver, Sql> {
  template <class T>
  static constexpr bool accepts() noexcept {
    using U = std::remove_cvref_t<T>;
    if constexpr (!sql::detail::writable_row_v<U>) {
      static_assert(coflow::detail::always_false<T>,
                    "coflow::sqlite::insert: the flow's values cannot be written as rows (a row is one "
                    "value, a tuple or a Boost.Hana struct of integers of up to 64 bits "
                    "other than std::uint64_t, floating point, std::string, coflow::sql::blob or "
                    "std::optional of those; not std::string_view or const char*, which could "
                    "dangle on the writer's thread)");
      return false;
    } else if constexpr (!sql::detail::fits_placeholders_v<Sql, U>) {
      static_assert(coflow::detail::always_false<T>,
                    "coflow::sqlite::insert: the flow's rows have a different number of values than "
                    "the statement has placeholders");
      return false;
    } else {
      return true;
    }
  }

  template <class T>
  auto consumer() const {
    return this->template make_consumer<std::remove_cvref_t<T>>();
  }
};

/// `flow | insert(db, sql, options)`: writes each value of the flow as one row, running `sql`
/// (an INSERT, or any statement taking the row's values as its parameters, in order) once per
/// value. A value is a row: a single value, a tuple (`std::tuple`, `std::pair`, `std::array`)
/// or a Boost.Hana struct. The rows cross an SPSC ring to a worker thread that writes them with
/// one prepared statement, in transactions of `options.batch_rows` rows or `options.batch_time`
/// (whichever comes first); the flow waits when the ring is full. Gives the number of rows
/// written once the last transaction committed.
///
/// Which rows are written: those of every transaction committed before a failure. A failing row
/// rolls back its own transaction (the rows since the last commit) and ends the flow with
/// `coflow::sqlite::insert_error`, which names the row (index in the flow, values) and
/// `rows_committed()`; so does a failure of the flow itself, or dropping it, for the open
/// transaction (its rows are not written, and no error is added to the flow's own).
///
/// With a `coflow::sql::literal` (`"INSERT INTO t VALUES (?, ?)"_sql`), a row of another size is
/// a compile error; with a string, the size is checked when the worker prepares the statement.
///
///     auto n = coflow::from(people) | coflow::sqlite::insert(db, "INSERT INTO p(id, name) VALUES (?, ?)");
template <class Sql>
auto insert(const database& db, Sql&& sql, insert_options options = {}) {
  using S = std::remove_cvref_t<Sql>;
  return insert_sink<S>{{{}, db.pool(), std::string(std::forward<Sql>(sql)), options}};
}

}  // namespace coflow::sqlite
