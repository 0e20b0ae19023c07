// SPDX-License-Identifier: BSL-1.0
// coflow/sql/postgres.hpp - typed PostgreSQL queries (libpq) as threaded sources of rows.
//
// Not part of coflow/coflow.hpp: it needs libpq (link coflow::postgres).
#pragma once

#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>  // Debian's layout, for builds that do not add its directory
#endif

#include <poll.h>

#include <regex>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <locale>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
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

namespace coflow::postgres {

using sql::blob;
using sql::insert_options;

/// A failed PostgreSQL query: no connection, a statement the server rejects, a row that does
/// not fit the declared columns, a NULL in a non-optional column. `what()` names the statement,
/// the column (index and name) and the server's or libpq's error text.
class error : public sql::error {
 public:
  error(std::string_view what, std::string statement, int column = -1, std::string column_name = {},
        std::string db_message = {})
      : sql::error{"coflow::postgres",    what, std::move(statement), column, std::move(column_name),
                   std::move(db_message), 0} {}
};

/// A failed `insert`: names the failing row (its index in the flow and its values) and how many
/// rows were committed before it (`row()` is -1 when no single row is at fault).
class insert_error : public error {
 public:
  insert_error(std::string_view what, std::string statement, std::string db_message, std::int64_t row,
               std::int64_t committed)
      : error{what, std::move(statement), -1, {}, std::move(db_message)}, row_{row}, committed_{committed} {}
  [[nodiscard]] std::int64_t row() const noexcept { return row_; }
  [[nodiscard]] std::int64_t rows_committed() const noexcept { return committed_; }

 private:
  std::int64_t row_;
  std::int64_t committed_;
};

namespace detail {

inline std::string trimmed(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Type OIDs (pg_type.h is a server header; these values are fixed by the catalog).
enum : Oid {
  bool_oid = 16,
  bytea_oid = 17,
  name_oid = 19,
  int8_oid = 20,
  int2_oid = 21,
  int4_oid = 23,
  text_oid = 25,
  oid_oid = 26,
  json_oid = 114,
  xml_oid = 142,
  float4_oid = 700,
  float8_oid = 701,
  unknown_oid = 705,
  bpchar_oid = 1042,
  varchar_oid = 1043,
  numeric_oid = 1700,
  uuid_oid = 2950,
  jsonb_oid = 3802
};

inline std::string type_name(Oid t) {
  switch (t) {
    case bool_oid: return "boolean";
    case bytea_oid: return "bytea";
    case name_oid: return "name";
    case int8_oid: return "bigint";
    case int2_oid: return "smallint";
    case int4_oid: return "integer";
    case text_oid: return "text";
    case oid_oid: return "oid";
    case json_oid: return "json";
    case xml_oid: return "xml";
    case float4_oid: return "real";
    case float8_oid: return "double precision";
    case unknown_oid: return "unknown";
    case bpchar_oid: return "character";
    case varchar_oid: return "character varying";
    case numeric_oid: return "numeric";
    case uuid_oid: return "uuid";
    case jsonb_oid: return "jsonb";
    default: return "type oid " + std::to_string(t);
  }
}

/// Whether a server column type can be read as the declared C++ type.
template <class T>
bool accepts(Oid t) noexcept {
  if constexpr (sql::detail::is_optional_v<T>)
    return accepts<typename T::value_type>(t);
  else if constexpr (std::is_same_v<T, bool>)
    return t == bool_oid;
  else if constexpr (std::is_integral_v<T>)
    return t == int2_oid || t == int4_oid || t == int8_oid || t == oid_oid;
  else if constexpr (std::is_floating_point_v<T>)
    return t == float4_oid || t == float8_oid || t == numeric_oid || t == int2_oid || t == int4_oid ||
           t == int8_oid;
  else if constexpr (std::is_same_v<T, std::string>)
    return t == text_oid || t == varchar_oid || t == bpchar_oid || t == name_oid || t == unknown_oid ||
           t == json_oid || t == jsonb_oid || t == xml_oid || t == uuid_oid;
  else
    return t == bytea_oid;
}

/// Opens a connection (on the calling thread: it blocks); `sql` names the statement it is for.
inline PGconn* connect(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string msg = c ? trimmed(PQerrorMessage(c)) : "out of memory";
    PQfinish(c);
    throw error{"cannot connect", sql, -1, {}, std::move(msg)};
  }
  // Server notices ("table does not exist, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return c;
}

/// Whether a connection can serve another statement: healthy, and idle once what its statement
/// still sends is read (a rejected statement's error is followed by the server's "ready", which
/// may come a little later), outside any transaction. Reads and drops what arrives for at most
/// `patience`; a statement still sending rows after that is not waited for.
inline bool settles(PGconn* c, std::chrono::milliseconds patience) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_ACTIVE) {
    if (!PQconsumeInput(c)) return false;
    while (!PQisBusy(c)) {
      PGresult* r = PQgetResult(c);
      if (!r) break;
      PQclear(r);
    }
    if (PQtransactionStatus(c) != PQTRANS_ACTIVE) break;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{PQsocket(c), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
  }
  return PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE;
}

/// Whether an idle connection is still open. The server has nothing to say to an idle session
/// but the farewell of one it ended meanwhile (a restart, `pg_terminate_backend`): anything to
/// read, or a closed socket, means the connection is gone. Does not wait.
inline bool still_open(PGconn* c) noexcept {
  if (PQstatus(c) != CONNECTION_OK) return false;
  pollfd p{PQsocket(c), POLLIN, 0};
  const int ready = ::poll(&p, 1, 0);
  return ready == 0;
}

/// How long giving a connection back may wait for what its statement still sends (a rejected
/// statement's "ready" comes a little after its error): enough for a round trip to a server
/// across a network, little enough not to hold up the end of a query. A statement still
/// sending rows after that is not waited for: its connection is closed.
inline constexpr std::chrono::milliseconds settle_patience{100};

/// One open connection and the names of the statements it prepared on the server, by SQL
/// text and parameter types (see `sql::detail::statement_cache`).
struct handle {
  PGconn* pg = nullptr;
  sql::detail::statement_cache<std::string> cache;
  unsigned long next_name = 0;

  /// A name for a statement prepared on this connection (`prefix` tells the two kinds apart).
  std::string new_name(const char* prefix) { return prefix + std::to_string(next_name++); }
  /// Closes the connection (its prepared statements go with it).
  static void destroy(handle* h) noexcept {
    PQfinish(h->pg);
    delete h;
  }
};

/// The connections to one server, which queries borrow one at a time and give back.
class pool : public coflow::detail::pool_base<handle*, &handle::destroy> {
 public:
  pool(std::string conninfo, std::size_t max_idle) : pool_base{max_idle}, conninfo_{std::move(conninfo)} {}

  /// An idle connection that is still open, else a new one (on the calling thread).
  handle* acquire(const std::string& sql) {
    while (auto c = take_idle()) {
      if (still_open((*c)->pg)) return *c;
      close(*c);
    }
    handle* c = new handle{connect(conninfo_, sql), {}, 0};
    count_opened();
    return c;
  }

  /// Takes a connection back if it can serve another statement; closes it otherwise.
  void release(handle* c, bool reusable) noexcept {
    if (reusable && settles(c->pg, settle_patience))
      keep_or_close(c);
    else
      close(c);
  }

  const std::string& conninfo() const noexcept { return conninfo_; }

 private:
  std::string conninfo_;
};

/// The connection of one query, opened on its worker thread: its own (closed when the query
/// ends), or borrowed from a pool (given back then, if it can serve another statement).
class connection {
 public:
  connection(const std::string& conninfo, const std::string& sql)
      : c_{new handle{connect(conninfo, sql), {}, 0}} {}
  connection(std::shared_ptr<pool> p, const std::string& sql)
      : pool_{std::move(p)}, c_{pool_->acquire(sql)} {}
  connection(connection&&) = delete;
  ~connection() { close(false); }
  /// `reusable`: no cancel was sent for its statement (one could still land on the next
  /// statement, so a cancelled connection is never given back).
  void close(bool reusable) noexcept {
    if (!c_) return;
    handle* c = std::exchange(c_, nullptr);
    if (pool_)
      pool_->release(c, reusable);
    else
      handle::destroy(c);
  }
  PGconn* get() const noexcept { return c_ ? c_->pg : nullptr; }
  handle& session() const noexcept { return *c_; }

 private:
  std::shared_ptr<pool> pool_;
  handle* c_;
};

/// Lets another thread cancel the statement a query's worker waits on (a dropped query must
/// not wait for a slow statement to finish).
class interrupter {
 public:
  void attach(PGconn* c) {
    std::lock_guard lock{mutex_};
    cancel_ = PQgetCancel(c);
    if (cancelled_) send();
  }
  /// After it, a cancel sends nothing. True when a cancel was sent (or asked for) before.
  bool detach() noexcept {
    std::lock_guard lock{mutex_};
    if (cancel_) PQfreeCancel(std::exchange(cancel_, nullptr));
    return cancelled_;
  }
  void cancel() noexcept {
    std::lock_guard lock{mutex_};
    cancelled_ = true;
    send();
  }
  ~interrupter() { detach(); }

 private:
  // Room for PQcancel's error text, which nobody reads: libpq's manual recommends 256 bytes.
  static constexpr std::size_t error_text_size = 256;

  void send() noexcept {
    char error_text[error_text_size];
    if (cancel_) PQcancel(cancel_, error_text, sizeof error_text);
  }
  std::mutex mutex_;
  PGcancel* cancel_ = nullptr;
  bool cancelled_ = false;
};

/// Parameters in libpq's form: text for numbers and strings, binary for blobs, with the type
/// OID given so the server does not have to guess (`SELECT $1` of an int64 is a bigint).
class parameters {
 public:
  template <class... P>
  explicit parameters(const std::tuple<P...>& params) {
    text_.reserve(sizeof...(P));  // values_ points into text_: no reallocation after this
    std::apply([&](const P&... v) { (add(v), ...); }, params);
  }
  int count() const noexcept { return static_cast<int>(values_.size()); }
  const Oid* types() const noexcept { return types_.data(); }
  const char* const* values() const noexcept { return values_.data(); }
  const int* lengths() const noexcept { return lengths_.data(); }
  const int* formats() const noexcept { return formats_.data(); }

 private:
  void push(Oid type, const char* data, int length, int format) {
    types_.push_back(type);
    values_.push_back(data);
    lengths_.push_back(length);
    formats_.push_back(format);
  }
  void push_text(Oid type, std::string s) {
    text_.push_back(std::move(s));
    push(type, text_.back().c_str(), static_cast<int>(text_.back().size()), 0);
  }
  template <class V>
  static Oid oid_of() {
    if constexpr (std::is_same_v<V, bool>)
      return bool_oid;
    else if constexpr (std::is_integral_v<V>)
      return sizeof(V) < 2 || (sizeof(V) == 2 && std::is_signed_v<V>)   ? int2_oid
             : sizeof(V) < 4 || (sizeof(V) == 4 && std::is_signed_v<V>) ? int4_oid
                                                                        : int8_oid;
    else if constexpr (std::is_same_v<V, float>)
      return float4_oid;
    else if constexpr (std::is_floating_point_v<V>)
      return float8_oid;
    else if constexpr (std::is_same_v<V, std::string>)
      return text_oid;
    else if constexpr (std::is_same_v<V, blob>)
      return bytea_oid;
    else
      return 0;  // NULL: the server infers the type
  }
  // Room for any number `std::to_chars` writes in its shortest form (a 64-bit integer takes
  // 20 characters, a double 24).
  static constexpr std::size_t max_number_chars = 64;

  template <class V>
  void add(const V& v) {
    if constexpr (sql::detail::is_optional_v<V>) {
      if (v)
        add(*v);
      else
        push(oid_of<typename V::value_type>(), nullptr, 0, 0);
    } else if constexpr (std::is_same_v<V, std::nullopt_t>) {
      push(0, nullptr, 0, 0);
    } else if constexpr (std::is_same_v<V, bool>) {
      push_text(bool_oid, v ? "true" : "false");
    } else if constexpr (std::is_arithmetic_v<V>) {
      char buf[max_number_chars];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
      push_text(oid_of<V>(), std::string(buf, end));
    } else if constexpr (std::is_same_v<V, std::string>) {
      push_text(text_oid, v);
    } else {
      static_assert(std::is_same_v<V, blob>);
      push(bytea_oid, reinterpret_cast<const char*>(v.data()), static_cast<int>(v.size()), 1);
    }
  }

  std::vector<std::string> text_;
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

/// Refuses a text parameter that holds a NUL byte: PostgreSQL text cannot store one, and libpq
/// reads a text parameter only up to its first one (the length counts for binary ones alone),
/// so it would be stored cut short without a word. `number` is its `$` number.
inline void check_text_param(const std::string& v, int number, const std::string& sql) {
  const auto nul = v.find('\0');
  if (nul == std::string::npos) return;
  throw error{"parameter $" + std::to_string(number) + " is text holding a NUL byte at offset " +
                  std::to_string(nul) +
                  ", which PostgreSQL text cannot store (for binary data, pass a "
                  "std::vector<std::byte>, coflow::sql::blob, which is sent as bytea)",
              sql};
}

template <class V>
void check_param(const V& v, int number, const std::string& sql) {
  if constexpr (std::is_same_v<V, std::string>)
    check_text_param(v, number, sql);
  else if constexpr (std::is_same_v<V, std::optional<std::string>>) {
    if (v) check_text_param(*v, number, sql);
  }
}

/// `sql` back, once every parameter was found fit to send. Checked before a connection is
/// taken: a parameter that cannot be sent costs none, and fails the same with or without a
/// server.
template <class... P>
std::string with_sendable_params(std::string sql, const std::tuple<P...>& params) {
  std::apply(
      [&](const P&... v) {
        int number = 0;
        (check_param(v, ++number, sql), ...);
      },
      params);
  return sql;
}

inline std::string result_error(const PGresult* r, PGconn* c) {
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary) {
    std::string m = primary;
    if (const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) (m += " (SQLSTATE ") += state, m += ')';
    return m;
  }
  return trimmed(c ? PQerrorMessage(c) : "unknown error");
}

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

/// The error of statement `sql` that failed with the result `r` (or none) on `c`.
inline error statement_failed(std::string sql, const PGresult* r, PGconn* c) {
  return error{"the statement failed", std::move(sql), -1, {}, result_error(r, c)};
}

/// Throws the error of statement `sql` unless the status of its result `r` is one of `ok`.
inline void check_status(const PGresult* r, PGconn* c, std::string_view sql,
                         std::initializer_list<ExecStatusType> ok) {
  if (std::find(ok.begin(), ok.end(), PQresultStatus(r)) == ok.end())
    throw statement_failed(std::string{sql}, r, c);
}

/// Prepares `sql` on `c` under `name`, with the parameter types given.
inline void prepare_on(PGconn* c, const std::string& name, const std::string& sql, int n, const Oid* types) {
  result_ptr r{PQprepare(c, name.c_str(), sql.c_str(), n, types)};
  check_status(r.get(), c, sql, {PGRES_COMMAND_OK});
}

/// Forgets a statement prepared on `c` (a failure, such as inside a failed transaction, leaves
/// it to the end of the connection).
inline void deallocate(PGconn* c, const std::string& name) noexcept {
  PQclear(PQexec(c, ("DEALLOCATE " + name).c_str()));
}

/// The name of `sql` prepared on `h` for parameters of the types of `p`: from the connection's
/// cache, or prepared now (one round trip) and cached.
inline std::string prepared_name(handle& h, const std::string& sql, const parameters& p) {
  std::string key = sql;
  key.push_back('\0');
  key.append(reinterpret_cast<const char*>(p.types()), sizeof(Oid) * static_cast<std::size_t>(p.count()));
  if (auto name = h.cache.take(key)) {
    h.cache.put(std::move(key), *name);
    return std::move(*name);
  }
  std::string name = h.new_name("coflow_c");
  prepare_on(h.pg, name, sql, p.count(), p.types());
  if (auto old = h.cache.put(std::move(key), name)) deallocate(h.pg, *old);
  return name;
}

template <class T>
[[noreturn]] void column_error(const PGresult* r, const std::string& sql, int i, std::string what) {
  const char* name = PQfname(r, i);
  throw error{what, sql, i, name ? name : ""};
}

inline std::byte hex_nibble(char c, bool& ok) noexcept {
  if (c >= '0' && c <= '9') return std::byte(c - '0');
  if (c >= 'a' && c <= 'f') return std::byte(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return std::byte(c - 'A' + 10);
  ok = false;
  return std::byte{0};
}

/// Reads bytea in text form, hex (the server's default bytea_output): `\x` and two digits a
/// byte. False when the text is not that.
inline bool parse_bytea(std::string_view text, blob& out) {
  constexpr std::string_view prefix = "\\x";
  bool ok = text.starts_with(prefix) && text.size() % 2 == 0;
  out.reserve(text.size() / 2);
  for (std::size_t k = prefix.size(); ok && k < text.size(); k += 2)
    out.push_back((hex_nibble(text[k], ok) << 4) | hex_nibble(text[k + 1], ok));
  return ok;
}

/// A floating-point column's text: std::from_chars where the library has it for floating point
/// (libc++ 16 has it for integers only); elsewhere the classic locale's stream extraction, plus
/// the special values as PostgreSQL spells them.
template <class T>
bool parse_floating(std::string_view text, T& out) {
  if constexpr (requires(const char* p, T& v) { std::from_chars(p, p, v); }) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
  } else {
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
      constexpr T inf = std::numeric_limits<T>::infinity();
      out = text == "NaN" ? std::numeric_limits<T>::quiet_NaN() : text == "Infinity" ? inf : -inf;
      return true;
    }
    std::istringstream in{std::string{text}};
    in.imbue(std::locale::classic());
    in >> std::noskipws >> out;
    return !in.fail() && in.peek() == std::istringstream::traits_type::eof();
  }
}

/// Reads a column's text as a `T` into `out`; false when it does not fit.
template <class T>
bool parse_text(std::string_view text, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (text != "t" && text != "f") return false;
    out = text == "t";
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || !sql::detail::fits<T>(v)) return false;
    out = static_cast<T>(v);
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    return parse_floating(text, out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    out.assign(text);
    return true;
  } else {
    static_assert(std::is_same_v<T, blob>);
    return parse_bytea(text, out);
  }
}

/// Reads column `i` of row `row` of `r` (text format) as a `T`.
template <class T>
T read_column(const PGresult* r, const std::string& sql, int i, int row = 0) {
  if constexpr (sql::detail::is_optional_v<T>) {
    if (PQgetisnull(r, row, i)) return std::nullopt;
    return read_column<typename T::value_type>(r, sql, i, row);
  } else {
    if (PQgetisnull(r, row, i)) [[unlikely]]
      column_error<T>(r, sql, i,
                      "is NULL, but the row declares " + sql::detail::column_type_name<T>() +
                          " (declare std::optional<" + sql::detail::column_type_name<T>() +
                          "> to accept NULL)");
    const std::string_view text{PQgetvalue(r, row, i), static_cast<std::size_t>(PQgetlength(r, row, i))};
    T v{};
    if (!parse_text(text, v)) [[unlikely]]
      column_error<T>(r, sql, i,
                      "holds \"" + std::string(text) + "\", which does not fit the declared " +
                          sql::detail::column_type_name<T>());
    return v;
  }
}

template <class T>
void check_column_type(const PGresult* r, const std::string& sql, int i) {
  const Oid t = PQftype(r, i);
  if (accepts<T>(t)) return;
  const char* name = PQfname(r, i);
  throw error{
      "has type " + type_name(t) + ", which does not fit the declared " + sql::detail::column_type_name<T>(),
      sql, i, name ? name : ""};
}

/// Fails unless `r` has as many columns as the row declares, each of a server type that reads
/// as the declared one.
template <class... Cols>
void check_result_columns(const PGresult* r, const std::string& sql) {
  const int n = PQnfields(r);
  if (n != static_cast<int>(sizeof...(Cols))) {
    std::string declared;
    ((declared += (declared.empty() ? "" : ", ") + sql::detail::column_type_name<Cols>()), ...);
    throw error{"the statement gives " + std::to_string(n) + " column(s), but the row declares " +
                    std::to_string(sizeof...(Cols)) + " (" + declared + ")",
                sql};
  }
  int i = 0;
  (check_column_type<Cols>(r, sql, i++), ...);
}

/// Row `row` of `r`, typed.
template <class Row, class... Cols, std::size_t... I>
Row read_result_row(const PGresult* r, const std::string& sql, int row, std::index_sequence<I...>) {
  if constexpr (sizeof...(Cols) == 1)
    return read_column<Cols...>(r, sql, 0, row);
  else
    return Row{read_column<Cols>(r, sql, static_cast<int>(I), row)...};
}

/// The blocking side of a query, run on its worker thread: connects, sends the statement with
/// its parameters and asks for single-row mode, so rows arrive one at a time and the result is
/// never held whole in memory.
template <class Row, class... Cols>
class cursor {
 public:
  using value_type = Row;

  /// A stop request (the query was dropped) asks the server to cancel the statement.
  /// `server` is a conninfo string, or the `database` pool to borrow a connection from.
  template <class Server, class... P>
  cursor(const Server& server, std::string sql, const std::tuple<P...>& params, coflow::stop_token st = {})
      : sql_{with_sendable_params(std::move(sql), params)}, conn_{server, sql_} {
    interrupter_.attach(conn_.get());
    parameters p{params};
    std::string name;
    try {
      name = prepared_name(conn_.session(), sql_, p);
    } catch (...) {
      close();  // a rejected statement leaves its connection fit for the next one
      throw;
    }
    if (!PQsendQueryPrepared(conn_.get(), name.c_str(), p.count(), p.values(), p.lengths(), p.formats(), 0))
      fail("cannot send the statement", nullptr);
    if (!PQsetSingleRowMode(conn_.get())) fail("cannot switch to single-row mode", nullptr);
    // Registered once the statement is on its way, so that a cancel always has one to cancel
    // (a stop requested before runs the callback right here).
    stop_ = st;
    on_stop_.emplace(std::move(st), stop_interrupt{&interrupter_});
  }
  cursor(cursor&&) = delete;
  ~cursor() {
    on_stop_.reset();
    close();
  }
  std::optional<Row> operator()() { return next(); }

  /// The next row, or nothing at the end (the connection is closed then).
  std::optional<Row> next() {
    if (!advance()) return std::nullopt;
    return read(current_.get(), std::index_sequence_for<Cols...>{});
  }

  /// Waits for the next row: false at the end (the connection is closed then).
  bool advance() {
    current_.reset();
    if (!conn_.get()) return false;
    if (!wait_for_result()) {
      close();  // dropped: nobody wants the rest
      return false;
    }
    result_ptr r{PQgetResult(conn_.get())};
    if (!r) {
      close();
      return false;
    }
    switch (PQresultStatus(r.get())) {
      case PGRES_SINGLE_TUPLE:
        check_columns(r.get());
        current_ = std::move(r);
        return true;
      case PGRES_TUPLES_OK:
        check_columns(r.get());
        finish();
        return false;
      case PGRES_COMMAND_OK:
        if constexpr (sizeof...(Cols) != 0) check_columns(r.get());
        finish();
        return false;
      default: fail("the statement failed", r.get());
    }
  }
  /// Appends the current row (after `advance()` gave true).
  void append_to(std::vector<Row>& out) {
    out.push_back(read(current_.get(), std::index_sequence_for<Cols...>{}));
  }

  /// Appends up to `n` rows to `out`; false when the query had no row left.
  bool next_batch(std::vector<Row>& out, std::size_t n) {
    const std::size_t before = out.size();
    while (out.size() - before < n && advance()) append_to(out);
    return out.size() != before;
  }

 private:
  // The longest a wait for the server goes without a look at the stop token: how late, at
  // worst, a dropped query whose cancel the server ignored stops waiting.
  static constexpr std::chrono::milliseconds stop_check_interval{50};

  // Waits until a result can be read without blocking; false if the query was dropped
  // meanwhile. The cancel sent by the stop callback normally ends the wait at once (the server
  // answers with an error); the poll timeout covers a cancel the server ignored because it
  // arrived before it started the statement.
  bool wait_for_result() {
    PGconn* c = conn_.get();
    while (PQisBusy(c)) {
      if (stop_.stop_requested()) return false;
      pollfd p{PQsocket(c), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(stop_check_interval.count())) < 0 && errno != EINTR)
        fail("cannot wait for the server", nullptr);
      if (!PQconsumeInput(c)) fail("the connection failed", nullptr);
    }
    return !stop_.stop_requested();
  }

  void check_columns(const PGresult* r) {
    if (checked_) [[likely]]
      return;
    try {
      check_result_columns<Cols...>(r, sql_);
    } catch (...) {
      close();
      throw;
    }
    checked_ = true;
  }

  template <std::size_t... I>
  Row read(const PGresult* r, std::index_sequence<I...>) {
    try {
      return read_result_row<Row, Cols...>(r, sql_, 0, std::index_sequence<I...>{});
    } catch (...) {
      close();
      throw;
    }
  }

  // Drains what is left of the result (libpq needs the final null) and closes.
  void finish() {
    while (result_ptr rest{PQgetResult(conn_.get())}) {
      if (PQresultStatus(rest.get()) == PGRES_FATAL_ERROR) fail("the statement failed", rest.get());
    }
    close();
  }

  [[noreturn]] void fail(std::string_view what, const PGresult* r) {
    std::string msg = result_error(r, conn_.get());
    close();
    throw error{what, sql_, -1, {}, std::move(msg)};
  }

  void close() noexcept {
    current_.reset();
    const bool cancelled = interrupter_.detach();
    conn_.close(!cancelled);
  }

  struct stop_interrupt {
    interrupter* i;
    void operator()() const noexcept { i->cancel(); }
  };

  std::string sql_;
  connection conn_;
  interrupter interrupter_;
  std::optional<coflow::stop_callback<stop_interrupt>> on_stop_;  // reset before the connection closes
  coflow::stop_token stop_;
  result_ptr current_;  // the row `advance()` reached
  bool checked_ = false;
};

/// What a query's worker thread calls: connects (or borrows a connection) and opens the
/// cursor there. `Server` is a conninfo string or a `std::shared_ptr<pool>`.
template <class Server, class Row, class Params, class... Cols>
struct opener {
  Server server;
  std::string sql;
  Params params;

  cursor<Row, Cols...> operator()(coflow::stop_token st) {
    return cursor<Row, Cols...>{server, std::move(sql), params, std::move(st)};
  }
  sql::detail::chunked_cursor<cursor<Row, Cols...>> chunked(coflow::stop_token st) {
    return sql::detail::chunked_cursor<cursor<Row, Cols...>>{server, std::move(sql), params, std::move(st)};
  }
  sql::detail::batched_cursor<cursor<Row, Cols...>> batched(std::size_t n, coflow::stop_token st) {
    return sql::detail::batched_cursor<cursor<Row, Cols...>>{n, server, std::move(sql), params,
                                                             std::move(st)};
  }
};

struct query_name {
  static constexpr std::string_view value = "postgres::query";
};

template <class... P>
inline constexpr bool bindable_params_v = (sql::detail::bindable_v<P> && ...);

/// Runs a statement without parameters or rows (`BEGIN`, `COMMIT`) on a connection.
inline void run_plain(PGconn* c, const char* sql) {
  result_ptr r{PQexec(c, sql)};
  check_status(r.get(), c, sql, {PGRES_COMMAND_OK});
}

/// Runs a prepared statement to its end: its whole result (rows are held in memory).
inline result_ptr run_prepared(PGconn* c, const std::string& name, const std::string& sql,
                               const parameters& p) {
  result_ptr r{PQexecPrepared(c, name.c_str(), p.count(), p.values(), p.lengths(), p.formats(), 0)};
  check_status(r.get(), c, sql, {PGRES_COMMAND_OK, PGRES_TUPLES_OK});
  return r;
}

/// Runs `sql` with its parameters on `h`, through the connection's statement cache.
template <class... P>
result_ptr run_cached(handle& h, const std::string& sql, const std::tuple<P...>& params) {
  with_sendable_params(sql, params);
  parameters p{params};
  return run_prepared(h.pg, prepared_name(h, sql, p), sql, p);
}

/// The rows a statement inserted, updated or deleted (0 for other statements).
inline std::int64_t affected_rows(const PGresult* r) {
  const std::string_view text = PQcmdTuples(const_cast<PGresult*>(r));
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

/// Every row of `r`, typed.
template <class... Cols>
std::vector<sql::row_t<Cols...>> result_rows(const PGresult* r, const std::string& sql) {
  using row = sql::row_t<Cols...>;
  check_result_columns<Cols...>(r, sql);
  std::vector<row> rows;
  const int n = PQntuples(r);
  rows.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    rows.push_back(read_result_row<row, Cols...>(r, sql, i, std::index_sequence_for<Cols...>{}));
  return rows;
}

template <class... P>
using stored_params_t = std::tuple<sql::detail::stored_param_t<std::remove_cvref_t<P>>...>;

/// A connection held for a transaction or for statements prepared on it (see
/// `sql::detail::session_base`).
struct session : sql::detail::session_base<session, error> {
  /// `sql` names the statement a failure to connect is reported for.
  session(std::shared_ptr<pool> p, bool in_transaction, const std::string& sql = "BEGIN")
      : sql::detail::session_base<session, error>{{in_transaction}}, conn{std::move(p), sql} {}
  ~session() { conn.close(true); }  // kept for reuse only if idle, outside any transaction

  connection conn;

  handle& h() const noexcept { return conn.session(); }
  void rollback() noexcept { PQclear(PQexec(conn.get(), "ROLLBACK")); }
  void run_plain(const char* sql) { detail::run_plain(conn.get(), sql); }
};

/// `COPY target(columns)` for an `INSERT INTO target(columns) VALUES ($1, ..., $n)` that only
/// places the row's values, in order; empty for any other statement.
inline std::string copy_target(const std::string& sql, int n) {
  static const std::regex plain_insert{
      R"(^\s*insert\s+into\s+([A-Za-z0-9_."]+)\s*\(([^()]*)\)\s*values\s*\(([^()]*)\)\s*;?\s*$)",
      std::regex::icase | std::regex::ECMAScript};
  std::smatch m;
  if (!std::regex_match(sql, m, plain_insert)) return {};
  std::string values = m[3].str(), expected;
  std::erase_if(values, [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  for (int i = 1; i <= n; ++i) expected += (i == 1 ? "$" : ",$") + std::to_string(i);
  if (values != expected) return {};
  return m[1].str() + "(" + m[2].str() + ")";
}

inline void append_copy_text(std::string& out, std::string_view s, const std::string& sql) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t special = s.find_first_of(std::string_view{"\\\n\r\t\0", 5}, i);
    out.append(s.substr(i, special - i));
    if (special == std::string_view::npos) break;
    switch (s[special]) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        throw error{"a text value holds a NUL byte at offset " + std::to_string(special) +
                        ", which PostgreSQL text cannot store (send binary data as coflow::sql::blob, "
                        "which goes as bytea)",
                    sql};
    }
    i = special + 1;
  }
}

/// Appends one value in COPY's text format (`\N` for NULL; backslash, newline, carriage return
/// and tab escaped; bytea as `\\x` and hex). A text holding a NUL byte is refused.
template <class V>
void append_copy_value(std::string& out, const V& v, const std::string& sql) {
  if constexpr (sql::detail::is_optional_v<V>) {
    if (!v) return void(out += "\\N");
    append_copy_value(out, *v, sql);
  } else if constexpr (std::is_same_v<V, bool>) {
    out += v ? 't' : 'f';
  } else if constexpr (std::is_floating_point_v<V>) {
    if (v != v) return void(out += "NaN");
    if (v == std::numeric_limits<V>::infinity()) return void(out += "Infinity");
    if (v == -std::numeric_limits<V>::infinity()) return void(out += "-Infinity");
    char buf[64];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  } else if constexpr (std::is_integral_v<V>) {
    char buf[24];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  } else if constexpr (std::is_same_v<V, blob>) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\\\x";
    for (std::byte b : v) (out += hex[std::to_integer<int>(b) >> 4]) += hex[std::to_integer<int>(b) & 15];
  } else {
    append_copy_text(out, std::string_view{v}, sql);
  }
}

/// The line of a COPY's data a server error names (`COPY t, line 3, column b: ...`), from 0;
/// -1 when it names none.
inline long copy_error_line(const PGresult* r) {
  const char* context = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : nullptr;
  if (!context) return -1;
  const std::string_view c{context};
  const auto at = c.find(", line ");
  if (at == std::string_view::npos) return -1;
  long line = 0;
  std::from_chars(c.data() + at + 7, c.data() + c.size(), line);
  return line - 1;
}

/// The writer of an `insert`, on its worker thread: one pooled connection, a transaction per
/// batch. A plain `INSERT INTO t(cols) VALUES ($1, ..., $n)` goes as `COPY t(cols) FROM STDIN`
/// (the rows streamed in COPY's text format); any other statement runs prepared, once per row.
template <class T>
class insert_writer {
 public:
  insert_writer(std::shared_ptr<pool> p, std::string sql)
      : conn_{std::move(p), sql},
        sql_{std::move(sql)},
        copy_{copy_target(sql_, sql::detail::row_arity<T>())} {
    if (copy_.empty()) prepare();
  }
  insert_writer(insert_writer&&) = delete;
  ~insert_writer() { conn_.close(true); }  // given back only if idle, outside any transaction

  void begin() {
    run_plain(conn_.get(), "BEGIN");
    if (copy_.empty()) return;
    const std::string copy = "COPY " + copy_ + " FROM STDIN";
    result_ptr r{PQexec(conn_.get(), copy.c_str())};
    check_status(r.get(), conn_.get(), copy, {PGRES_COPY_IN});
    in_copy_ = true;
  }
  void write(const T& row) {
    if (copy_.empty()) return write_prepared(row);
    const std::size_t before = buffer_.size();
    try {
      bool first = true;
      sql::detail::apply_values(row, [&](const auto&... v) {
        ((buffer_ += first ? "" : "\t", first = false, append_copy_value(buffer_, v, sql_)), ...);
      });
    } catch (...) {
      buffer_.resize(before);
      throw;
    }
    buffer_ += '\n';
    if (buffer_.size() >= flush_bytes) flush();
  }
  void commit() {
    if (in_copy_) end_copy();
    run_plain(conn_.get(), "COMMIT");
  }
  void rollback() noexcept {
    if (in_copy_) {
      PQputCopyEnd(conn_.get(), "coflow::postgres::insert: rolled back");
      while (result_ptr r{PQgetResult(conn_.get())}) {
      }
      in_copy_ = false;
    }
    buffer_.clear();
    PQclear(PQexec(conn_.get(), "ROLLBACK"));
  }
  static std::string describe(const T& row) { return sql::detail::describe_row(row); }
  [[noreturn]] void fail(std::exception_ptr cause, const sql::detail::insert_failure& f) {
    sql::detail::throw_insert_error<error>(
        cause, f, [&](const std::string& text, std::string cause_text, int) {
          return insert_error{text, sql_, std::move(cause_text), f.row, f.committed};
        });
  }

 private:
  static constexpr std::size_t flush_bytes = 64 * 1024;

  void prepare() {
    using types = decltype(sql::detail::apply_values(std::declval<const T&>(), [](const auto&... v) {
      return std::tuple<std::remove_cvref_t<decltype(v)>...>{};
    }));
    parameters p{types{}};
    name_ = conn_.session().new_name("coflow_i");
    prepare_on(conn_.get(), name_, sql_, p.count(), p.types());
  }
  void write_prepared(const T& row) {
    sql::detail::apply_values(row, [&](const auto&... v) {
      const std::tuple<const std::remove_cvref_t<decltype(v)>&...> params{v...};
      with_sendable_params(sql_, params);
      run_prepared(conn_.get(), name_, sql_, parameters{params});
    });
  }
  void flush() {
    if (PQputCopyData(conn_.get(), buffer_.data(), static_cast<int>(buffer_.size())) != 1)
      throw send_failed();
    buffer_.clear();
  }
  error send_failed() {
    return error{"cannot send the rows", sql_, -1, {}, trimmed(PQerrorMessage(conn_.get()))};
  }
  // Ends the COPY; a row the server refused is named by its line.
  void end_copy() {
    flush();
    in_copy_ = false;
    if (PQputCopyEnd(conn_.get(), nullptr) != 1) throw send_failed();
    result_ptr r{PQgetResult(conn_.get())};
    while (result_ptr rest{PQgetResult(conn_.get())}) {
    }
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return;
    auto e = std::make_exception_ptr(statement_failed(sql_, r.get(), conn_.get()));
    const long line = copy_error_line(r.get());
    if (line < 0) std::rethrow_exception(e);
    throw sql::row_failed{static_cast<std::size_t>(line), e};
  }

  connection conn_;
  std::string sql_;
  std::string copy_;  // COPY's target and columns, or empty
  std::string name_;  // the prepared statement, without COPY
  std::string buffer_;
  bool in_copy_ = false;
};

/// What `insert` needs of the driver (see `sql::detail::insert_sink`).
struct insert_driver {
  static constexpr std::string_view name = "postgres::insert";
  using pool_type = pool;
  template <class T>
  using writer = insert_writer<T>;
};

}  // namespace detail

/// A statement prepared once (on the server, under a name of its own) and run many times, with
/// parameters of the types `P...` (checked by the compiler at each call). From
/// `database::prepare` it holds a connection of its own and each run commits at once; from
/// `transaction::prepare` it runs inside that transaction (a failure rolls the transaction
/// back) and must not be used after the transaction ended.
template <class... P>
class prepared {
 public:
  prepared(std::shared_ptr<detail::session> s, std::string sql) : s_{std::move(s)}, sql_{std::move(sql)} {
    s_->guarded(sql_, [&] {
      detail::parameters p{detail::stored_params_t<P...>{}};
      name_ = s_->h().new_name("coflow_p");
      detail::prepare_on(s_->conn.get(), name_, sql_, p.count(), p.types());
      detail::result_ptr d{PQdescribePrepared(s_->conn.get(), name_.c_str())};
      if (PQnparams(d.get()) != static_cast<int>(sizeof...(P)))
        throw error{"the statement has " + std::to_string(PQnparams(d.get())) + " parameter(s), but " +
                        std::to_string(sizeof...(P)) + " type(s) were given",
                    sql_};
    });
  }
  prepared(prepared&&) noexcept = default;
  ~prepared() {
    if (s_ && !name_.empty()) detail::deallocate(s_->conn.get(), name_);
  }

  /// Runs the statement to its end: the rows it inserted, updated or deleted.
  std::int64_t execute(const P&... params) {
    return s_->guarded(sql_, [&] { return detail::affected_rows(run(params...).get()); });
  }
  /// Runs the statement and gives its rows, typed as in `query<Cols...>`.
  template <class... Cols>
  std::vector<sql::row_t<Cols...>> query(const P&... params) {
    return s_->guarded(sql_, [&] { return detail::result_rows<Cols...>(run(params...).get(), sql_); });
  }

 private:
  detail::result_ptr run(const P&... params) {
    const detail::stored_params_t<P...> values{params...};
    detail::with_sendable_params(sql_, values);
    return detail::run_prepared(s_->conn.get(), name_, sql_, detail::parameters{values});
  }

  std::shared_ptr<detail::session> s_;
  std::string sql_;
  std::string name_;
};

namespace detail {
template <class Sql, class... P>
constexpr bool check_prepare() {
  if constexpr (!bindable_params_v<P...>) {
    static_assert(coflow::detail::always_false<Sql>,
                  "coflow::postgres::prepare: a parameter type cannot be bound (use an integer of "
                  "up to 64 bits other than std::uint64_t, a floating-point number, std::string, "
                  "std::string_view, coflow::sql::blob, or std::optional of those)");
    return false;
  } else if constexpr (sql::detail::known_parameters<Sql>() >= 0 &&
                       sql::detail::known_parameters<Sql>() != static_cast<int>(sizeof...(P))) {
    static_assert(coflow::detail::always_false<Sql>,
                  "coflow::postgres::prepare: the statement has a different number of placeholders "
                  "than parameter types");
    return false;
  } else {
    return true;
  }
}
}  // namespace detail

/// A transaction on one connection of the pool, held for its whole life: every statement run
/// through it sees the others' writes and commits or rolls back with them. Rolled back when
/// destroyed without `commit()`, and as soon as one of its statements fails (the statement's
/// error is thrown; later calls fail with "the transaction was rolled back after a failed
/// statement"). Not thread-safe: one thread at a time.
///
///     auto tx = db.begin();
///     tx.execute("UPDATE account SET balance = balance - $1 WHERE id = $2", 10, 1);
///     tx.commit();
class transaction : public sql::detail::transaction_base<detail::session, error> {
 public:
  explicit transaction(std::shared_ptr<detail::pool> p)
      : transaction_base{std::make_shared<detail::session>(std::move(p), true), "BEGIN"} {}

  /// Runs one statement to its end inside the transaction: the rows it changed.
  template <class... P>
  auto execute(std::string sql, P&&... params) {
    if constexpr (!detail::bindable_params_v<std::remove_cvref_t<P>...>) {
      static_assert(coflow::detail::always_false<P...>,
                    "coflow::postgres::transaction::execute: a parameter type cannot be bound (use an "
                    "integer of up to 64 bits other than std::uint64_t, a floating-point number, a "
                    "string, coflow::sql::blob, std::optional of those, or std::nullopt)");
      return coflow::detail::ill_formed{};
    } else {
      return live(sql).guarded(sql, [&] {
        return detail::affected_rows(
            detail::run_cached(s_->h(), sql, detail::stored_params_t<P...>{std::forward<P>(params)...})
                .get());
      });
    }
  }

  /// Runs a query inside the transaction and gives all its rows, typed as in `query<Cols...>`.
  template <class... Cols, class... P>
  auto query(std::string sql, P&&... params) {
    if constexpr (!((sql::detail::readable_column_v<Cols> && ...) &&
                    detail::bindable_params_v<std::remove_cvref_t<P>...>)) {
      static_assert(coflow::detail::always_false<Cols..., P...>,
                    "coflow::postgres::transaction::query: a declared column type cannot be read or a "
                    "parameter type cannot be bound (see coflow::postgres::query)");
      return coflow::detail::ill_formed{};
    } else {
      return live(sql).guarded(sql, [&] {
        auto r = detail::run_cached(s_->h(), sql, detail::stored_params_t<P...>{std::forward<P>(params)...});
        return detail::result_rows<Cols...>(r.get(), sql);
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

/// How a `database` keeps its connections.
struct options {
  /// Idle connections kept open for the next queries; more are closed when given back.
  std::size_t max_idle = 4;
};

/// A PostgreSQL server (`conninfo` as libpq takes it) with a pool of connections: each running
/// query borrows one of its own, on its worker thread, so queries of one flow run in parallel;
/// a query that ends, or fails, gives it back for the next. Nothing connects before the first
/// query. Copies share the pool.
///
/// A connection goes back only when it can serve another statement as a new one would: idle,
/// outside any transaction (one left inside a `BEGIN` is closed, which rolls it back). A query
/// dropped mid-statement is cancelled on the server, and its connection is closed rather than
/// given back (the cancel could still land on the next statement). Session settings a statement
/// makes (`SET ...`) stay with its connection.
///
///     coflow::postgres::database db{"host=127.0.0.1 dbname=app"};
///     auto rows = coflow::postgres::query<std::int64_t>(db, "SELECT id FROM t WHERE id > $1", 10);
class database {
 public:
  explicit database(std::string conninfo, options o = {})
      : pool_{std::make_shared<detail::pool>(std::move(conninfo), o.max_idle)} {}

  /// Runs one statement to its end on the calling thread (it blocks) on a pooled connection,
  /// through its statement cache, and gives the number of rows it inserted, updated or deleted.
  template <class... P>
  auto execute(std::string sql, P&&... params) const {
    if constexpr (!detail::bindable_params_v<std::remove_cvref_t<P>...>) {
      static_assert(coflow::detail::always_false<P...>,
                    "coflow::postgres::database::execute: a parameter type cannot be bound (use an "
                    "integer of up to 64 bits other than std::uint64_t, a floating-point number, a "
                    "string, coflow::sql::blob, std::optional of those, or std::nullopt)");
      return coflow::detail::ill_formed{};
    } else {
      detail::session s{pool_, false, sql};
      return detail::affected_rows(
          detail::run_cached(s.h(), sql, detail::stored_params_t<P...>{std::forward<P>(params)...}).get());
    }
  }

  /// `execute` on a worker thread: the deferred fires on `sched`'s thread with the count (or
  /// the error), and the scheduler's thread never blocks on the server.
  template <class... P>
  auto execute_async(scheduler& sched, std::string sql, P&&... params) const {
    if constexpr (!detail::bindable_params_v<std::remove_cvref_t<P>...>) {
      static_assert(coflow::detail::always_false<P...>,
                    "coflow::postgres::database::execute_async: a parameter type cannot be bound (see "
                    "coflow::postgres::database::execute)");
      return coflow::detail::ill_formed{};
    } else {
      return sql::detail::run_on_worker<std::int64_t>(
          sched, [db = *this, text = std::move(sql),
                  args = detail::stored_params_t<P...>{std::forward<P>(params)...}]() mutable {
            return std::apply([&](auto&... a) { return db.execute(std::move(text), a...); }, args);
          });
    }
  }

  /// A transaction on one connection of the pool (see `coflow::postgres::transaction`).
  [[nodiscard]] coflow::postgres::transaction begin() const { return coflow::postgres::transaction{pool_}; }

  /// `f(tx)` in a transaction on a worker thread (Twisted's `runInteraction`): committed when
  /// `f` returns (unless it committed or rolled back itself), rolled back when it throws. The
  /// deferred fires on `sched`'s thread with `f`'s result, or errbacks with its exception.
  template <class F>
  auto transaction(scheduler& sched, F f) const {
    if constexpr (!std::is_invocable_v<F&, coflow::postgres::transaction&>) {
      static_assert(coflow::detail::always_false<F>,
                    "coflow::postgres::database::transaction: the function must be callable with a "
                    "coflow::postgres::transaction&");
      return coflow::detail::ill_formed{};
    } else {
      return sql::detail::run_interaction<coflow::postgres::transaction>(sched, pool_, std::move(f));
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
  [[nodiscard]] const std::string& conninfo() const noexcept { return pool_->conninfo(); }

  const std::shared_ptr<detail::pool>& pool() const noexcept { return pool_; }

 private:
  std::shared_ptr<detail::pool> pool_;
};

namespace detail {
template <class... Cols, class Server, class... P>
auto make_query(Server server, std::string sql, P&&... params) {
  if constexpr (!(sql::detail::readable_column_v<Cols> && ...)) {
    static_assert(coflow::detail::always_false<Cols...>,
                  "coflow::postgres::query: a declared column type cannot be read (use an integer "
                  "of up to 64 bits other than std::uint64_t, bool, float, double, std::string, "
                  "coflow::sql::blob, or std::optional of those)");
    return coflow::detail::ill_formed{};
  } else if constexpr (!bindable_params_v<std::remove_cvref_t<P>...>) {
    static_assert(coflow::detail::always_false<P...>,
                  "coflow::postgres::query: a parameter type cannot be bound (use an integer of up "
                  "to 64 bits other than std::uint64_t, a floating-point number, a string, "
                  "coflow::sql::blob, std::optional of those, or std::nullopt)");
    return coflow::detail::ill_formed{};
  } else {
    using row = sql::row_t<Cols...>;
    using param_tuple = std::tuple<sql::detail::stored_param_t<std::remove_cvref_t<P>>...>;
    using open = opener<Server, row, param_tuple, Cols...>;
    return sql::detail::query_source<open, row, query_name>{
        open{std::move(server), std::move(sql), param_tuple{std::forward<P>(params)...}}};
  }
}
}  // namespace detail

/// `query<Cols...>(db, sql, params...)`: a threaded source of the rows of one statement, each a
/// `std::tuple<Cols...>` (with one column, the value itself). A worker thread borrows a
/// connection from `db` (or, given a conninfo string, opens one of its own and closes it at
/// the end), sends the statement with its parameters (`$1`, `$2`, ...; bound, never formatted
/// into the text) and reads the rows in single-row mode, so the result is never held whole in
/// memory; rows cross to the flow through an SPSC ring. A `std::optional<C>` column takes NULL.
/// Every failure (no connection, a statement the server rejects, a row that does not fit) is a
/// `coflow::postgres::error` after the rows before it; so is a string parameter holding a NUL byte,
/// which PostgreSQL text cannot store (send binary data as a `blob`, which goes as bytea).
/// Dropping the stage cancels the statement.
///
///     coflow::postgres::database db{"host=127.0.0.1 dbname=app"};
///     auto rows = coflow::postgres::query<std::int64_t, std::string>(
///         db, "SELECT id, name FROM t WHERE id > $1", 10);
///     for (auto& [id, name] : coflow::block(std::move(rows))) use(id, name);
template <class... Cols, class... P>
auto query(const database& db, std::string sql, P&&... params) {
  return detail::make_query<Cols...>(db.pool(), std::move(sql), std::forward<P>(params)...);
}

/// `query<Cols...>(conninfo, sql, params...)`: the same on a connection of the query's own.
template <class... Cols, class... P>
auto query(std::string conninfo, std::string sql, P&&... params) {
  return detail::make_query<Cols...>(std::move(conninfo), std::move(sql), std::forward<P>(params)...);
}

/// The sink of `insert`: see there.
template <class Sql>
struct insert_sink : sql::detail::insert_sink_base<insert_sink<Sql>, detail::insert_driver, Sql> {
  template <class T>
  static constexpr bool accepts() noexcept {
    using U = std::remove_cvref_t<T>;
    if constexpr (!sql::detail::writable_row_v<U>) {
      static_assert(coflow::detail::always_false<T>,
                    "coflow::postgres::insert: the flow's values cannot be written as rows (a row is one "
                    "value, a tuple or a Boost.Hana struct of integers of up to 64 bits "
                    "other than std::uint64_t, floating point, std::string, coflow::sql::blob or "
                    "std::optional of those; not std::string_view or const char*, which could "
                    "dangle on the writer's thread)");
      return false;
    } else if constexpr (!sql::detail::fits_placeholders_v<Sql, U>) {
      static_assert(coflow::detail::always_false<T>,
                    "coflow::postgres::insert: the flow's rows have a different number of values than "
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

/// `flow | insert(db, sql, options)`: writes each value of the flow as one row, as
/// `sqlite::insert` does (same batches, backpressure, failures and count; see there). A plain
/// `INSERT INTO t(a, b) VALUES ($1, $2)` (the row's values, in order, and nothing else) is sent
/// as `COPY t(a, b) FROM STDIN`, each batch one COPY inside its transaction; any other
/// statement (`ON CONFLICT`, expressions, `RETURNING`) runs prepared, once per row. A text
/// value holding a NUL byte fails its row (PostgreSQL text cannot store one).
///
///     auto n = coflow::from(people) | coflow::postgres::insert(db, "INSERT INTO p(id, name) VALUES ($1,
///     $2)");
template <class Sql>
auto insert(const database& db, Sql&& sql, insert_options options = {}) {
  using S = std::remove_cvref_t<Sql>;
  return insert_sink<S>{{{}, db.pool(), std::string(std::forward<Sql>(sql)), options}};
}

}  // namespace coflow::postgres
