// SPDX-License-Identifier: BSL-1.0
#include <coflow/sql/sqlite.hpp>

#include <coflow/coflow.hpp>
#include <coflow/stages/zip.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

using ::testing::HasSubstr;
namespace sqlite = coflow::sqlite;

namespace {

// Each test gets its own shared-cache in-memory database.
std::string memory_db() {
  static std::atomic<int> n{0};
  return "file:coflow_sqlite_test_" + std::to_string(n++) + "?mode=memory&cache=shared";
}

// A table t(id, name) with ids 1..n and names "name<id>".
sqlite::database numbers(int n, sqlite::options o = {}) {
  sqlite::database db{memory_db(), o};
  db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
  db.execute(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
      "INSERT INTO t SELECT x, 'name' || x FROM c",
      n);
  return db;
}

// Runs `body` and gives the message of the coflow::sqlite::error it throws.
template <class F>
std::string error_of(F&& body) {
  try {
    body();
  } catch (const sqlite::error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no coflow::sqlite::error was thrown";
  return {};
}

}  // namespace

static_assert(std::is_base_of_v<std::runtime_error, sqlite::error>);

TEST(SqliteQuery, IsAThreadedStageOfTypedRows) {
  sqlite::database db{memory_db()};
  auto one = sqlite::query<std::string>(db, "SELECT 'x'");
  auto two = sqlite::query<std::int64_t, std::optional<double>>(db, "SELECT 1, 2.5");
  static_assert(coflow::stage<decltype(one)>);
  static_assert(std::is_same_v<coflow::value_t<decltype(one)>, std::string>);
  static_assert(
      std::is_same_v<coflow::value_t<decltype(two)>, std::tuple<std::int64_t, std::optional<double>>>);
  static_assert(coflow::uses_threads_v<decltype(two)>);
  static_assert(decltype(two)::stage_name == "sqlite::query");
}

TEST(SqliteQuery, UnionOfThreeStringsGivesThreeOneColumnRows) {
  sqlite::database db{memory_db()};
  auto rows = sqlite::query<std::string>(db, "SELECT 'one' UNION ALL SELECT 'two' UNION ALL SELECT 'three'") |
              coflow::to_vector();
  EXPECT_EQ(rows, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(SqliteQuery, TuplesOfSeveralColumnsInOrder) {
  auto db = numbers(5);
  std::vector<std::tuple<std::int64_t, std::string>> rows;
  for (auto& row :
       coflow::block(sqlite::query<std::int64_t, std::string>(db, "SELECT id, name FROM t ORDER BY id")))
    rows.push_back(row);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows.front(), std::make_tuple(std::int64_t{1}, std::string{"name1"}));
  EXPECT_EQ(rows.back(), std::make_tuple(std::int64_t{5}, std::string{"name5"}));
}

TEST(SqliteQuery, BindsEveryParameterTypeAndReadsItBack) {
  sqlite::database db{memory_db()};
  const sqlite::blob bytes{std::byte{0}, std::byte{0x7f}, std::byte{0xff}};
  const std::string_view view = "a view";
  auto rows = sqlite::query<int, std::int64_t, double, std::string, std::string, sqlite::blob, bool,
                            std::optional<std::int64_t>, std::optional<std::string>, sqlite::blob>(
                  db, "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", 7, std::int64_t{1} << 40, 0.25, "literal", view,
                  bytes, true, std::optional<std::int64_t>{}, std::nullopt, sqlite::blob{}) |
              coflow::to_vector();
  ASSERT_EQ(rows.size(), 1u);
  auto& [i, big, d, lit, v, b, flag, none, null, empty] = rows[0];
  EXPECT_EQ(i, 7);
  EXPECT_EQ(big, std::int64_t{1} << 40);
  EXPECT_EQ(d, 0.25);
  EXPECT_EQ(lit, "literal");
  EXPECT_EQ(v, "a view");
  EXPECT_EQ(b, bytes);
  EXPECT_TRUE(flag);
  EXPECT_EQ(none, std::nullopt);
  EXPECT_EQ(null, std::nullopt);
  EXPECT_TRUE(empty.empty());
}

TEST(SqliteQuery, AHostileParameterIsStoredAndReadBackLiterally) {
  auto db = numbers(3);
  const std::string hostile = "'); DROP TABLE t; --";
  EXPECT_EQ(db.execute("INSERT INTO t(id, name) VALUES (?, ?)", 100, hostile), 1);
  auto names = sqlite::query<std::string>(db, "SELECT name FROM t WHERE id = ?", 100) | coflow::to_vector();
  EXPECT_EQ(names, std::vector<std::string>{hostile});
  auto found =
      sqlite::query<std::int64_t>(db, "SELECT id FROM t WHERE name = ?", hostile) | coflow::to_vector();
  EXPECT_EQ(found, std::vector<std::int64_t>{100});
  // The table is intact.
  auto count = sqlite::query<std::int64_t>(db, "SELECT count(*) FROM t") | coflow::to_vector();
  EXPECT_EQ(count, std::vector<std::int64_t>{4});
}

TEST(SqliteQuery, OptionalColumnsTakeNull) {
  sqlite::database db{memory_db()};
  db.execute("CREATE TABLE p(name TEXT, age INTEGER)");
  db.execute("INSERT INTO p VALUES (?, ?), (?, ?)", "ann", 31, "bob", std::nullopt);
  auto rows = sqlite::query<std::string, std::optional<int>>(db, "SELECT name, age FROM p ORDER BY name") |
              coflow::to_vector();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<1>(rows[0]), 31);
  EXPECT_EQ(std::get<1>(rows[1]), std::nullopt);
}

TEST(SqliteQuery, NullInANonOptionalColumnFailsAfterTheRowsBeforeIt) {
  sqlite::database db{memory_db()};
  db.execute("CREATE TABLE p(id INTEGER, name TEXT)");
  db.execute("INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, 'd')");
  std::vector<std::string> seen;
  auto msg = error_of([&] {
    for (auto& [id, name] :
         coflow::block(sqlite::query<int, std::string>(db, "SELECT id, name FROM p ORDER BY id")))
      seen.push_back(name);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(msg, HasSubstr("coflow::sqlite"));
  EXPECT_THAT(msg, HasSubstr("column 1 \"name\""));
  EXPECT_THAT(msg, HasSubstr("is NULL"));
  EXPECT_THAT(msg, HasSubstr("\"SELECT id, name FROM p ORDER BY id\""));
}

TEST(SqliteQuery, AColumnCountThatDoesNotFitFails) {
  auto db = numbers(2);
  auto msg = error_of(
      [&] { sqlite::query<int, std::string, double>(db, "SELECT id, name FROM t") | coflow::to_vector(); });
  EXPECT_THAT(msg, HasSubstr("gives 2 column(s), but the row declares 3"));
  EXPECT_THAT(msg, HasSubstr("\"SELECT id, name FROM t\""));
}

TEST(SqliteQuery, AColumnTypeThatDoesNotFitNamesTheColumnAndBothTypes) {
  auto db = numbers(2);
  auto msg = error_of([&] { sqlite::query<int, int>(db, "SELECT id, name FROM t") | coflow::to_vector(); });
  EXPECT_THAT(msg, HasSubstr("column 1 \"name\" holds TEXT"));
  EXPECT_THAT(msg, HasSubstr("std::int32_t"));
  EXPECT_THAT(msg, HasSubstr("\"SELECT id, name FROM t\""));

  auto narrow = error_of([&] { sqlite::query<std::int8_t>(db, "SELECT 300 AS big") | coflow::to_vector(); });
  EXPECT_THAT(narrow, HasSubstr("column 0 \"big\" holds 300"));
  EXPECT_THAT(narrow, HasSubstr("std::int8_t"));
}

TEST(SqliteQuery, ASyntaxErrorCarriesSqlitesText) {
  sqlite::database db{memory_db()};
  try {
    sqlite::query<int>(db, "SELEC 1") | coflow::to_vector();
    FAIL() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("near \"SELEC\": syntax error"));
    EXPECT_THAT(e.what(), HasSubstr("\"SELEC 1\""));
    EXPECT_EQ(e.statement(), "SELEC 1");
    EXPECT_EQ(e.code(), SQLITE_ERROR);
  }
}

TEST(SqliteQuery, AMissingTableFails) {
  sqlite::database db{memory_db()};
  auto msg = error_of([&] { sqlite::query<int>(db, "SELECT id FROM missing") | coflow::to_vector(); });
  EXPECT_THAT(msg, HasSubstr("no such table: missing"));
  EXPECT_THAT(msg, HasSubstr("\"SELECT id FROM missing\""));
}

TEST(SqliteQuery, AParameterCountThatDoesNotFitFails) {
  sqlite::database db{memory_db()};
  auto msg = error_of([&] { sqlite::query<int>(db, "SELECT ? + ?", 1) | coflow::to_vector(); });
  EXPECT_THAT(msg, HasSubstr("has 2 parameter(s), but 1 value(s) were given"));
}

TEST(SqliteQuery, TextHoldingASecondStatementIsRefused) {
  auto db = numbers(1);
  auto msg = error_of([&] { sqlite::query<int>(db, "SELECT 1; DROP TABLE t") | coflow::to_vector(); });
  EXPECT_THAT(msg, HasSubstr("more than one statement"));
  EXPECT_EQ(sqlite::query<std::int64_t>(db, "SELECT count(*) FROM t") | coflow::to_vector(),
            std::vector<std::int64_t>{1});
}

TEST(SqliteQuery, ABusyDatabaseFails) {
  const auto path =
      std::filesystem::temp_directory_path() / ("coflow_busy_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  sqlite::database db{path.string(), sqlite::options{.busy_timeout = std::chrono::milliseconds{20}}};
  db.execute("CREATE TABLE t(x INTEGER)");
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    sqlite::query<int>(db, "SELECT x FROM t") | coflow::to_vector();
    ADD_FAILURE() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("database is locked"));
    EXPECT_THAT(e.what(), HasSubstr("\"SELECT x FROM t\""));
    EXPECT_EQ(e.code(), SQLITE_BUSY);
  }
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  // The connection that failed went back to the pool and works.
  EXPECT_EQ(sqlite::query<std::int64_t>(db, "SELECT count(*) FROM t") | coflow::to_vector(),
            std::vector<std::int64_t>{0});
  std::filesystem::remove(path);
}

namespace {
// A directory of its own under the system's temporary one, removed with it.
struct temp_dir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("coflow_sqlite_" + std::to_string(::getpid()) + "_" + std::to_string(next()));
  temp_dir() { std::filesystem::create_directories(path); }
  ~temp_dir() { std::filesystem::remove_all(path); }
  static int next() {
    static std::atomic<int> n{0};
    return n++;
  }
};

// How many rows of t another connection (outside the pool) sees: only committed ones.
std::int64_t committed_rows(sqlite3* other) {
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(other, "SELECT count(*) FROM t", -1, &s, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
  const std::int64_t n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}
}  // namespace

// A connection given back inside a transaction would keep its write lock ("database is
// locked" for every other connection) and show its uncommitted rows to the next query on it.
TEST(SqliteQuery, AConnectionLeftInATransactionIsRolledBackAndClosed) {
  temp_dir dir;
  const auto path = (dir.path / "t.db").string();
  sqlite::database db{path, sqlite::options{.busy_timeout = std::chrono::milliseconds{20}}};
  db.execute("CREATE TABLE t(x INTEGER)");
  ASSERT_EQ(db.open_connections(), 1u);

  EXPECT_EQ(db.execute("BEGIN IMMEDIATE"), 0);
  EXPECT_EQ(db.open_connections(), 0u);  // rolled back and closed, not kept
  EXPECT_EQ(db.idle_connections(), 0u);
  EXPECT_EQ(db.execute("INSERT INTO t VALUES (1)"), 1);  // on a new connection, committed at once
  EXPECT_EQ(db.open_connections(), 1u);

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(other, "INSERT INTO t VALUES (2)", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(other);  // no write lock left behind
  EXPECT_EQ(committed_rows(other), 2);
  // The pool's queries see what the others see: no row of an open transaction.
  EXPECT_EQ(sqlite::query<std::int64_t>(db, "SELECT count(*) FROM t") | coflow::to_vector(),
            std::vector<std::int64_t>{2});

  // The same for a query whose statement leaves a transaction open.
  sqlite::query<>(db, "BEGIN IMMEDIATE") | coflow::to_vector();
  EXPECT_EQ(db.open_connections(), 0u);
  EXPECT_EQ(db.execute("INSERT INTO t VALUES (3)"), 1);
  EXPECT_EQ(sqlite3_exec(other, "INSERT INTO t VALUES (4)", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(other);
  EXPECT_EQ(committed_rows(other), 4);
  sqlite3_close(other);
}

// Closing the last connection of a shared-cache in-memory database would delete it.
TEST(SqliteQuery, AnInMemoryDatabaseOutlivesAConnectionLeftInATransaction) {
  auto db = numbers(3);
  EXPECT_EQ(db.execute("BEGIN"), 0);
  EXPECT_EQ(db.open_connections(), 1u);  // a new connection took the closed one's place
  EXPECT_EQ(sqlite::query<std::int64_t>(db, "SELECT count(*) FROM t") | coflow::to_vector(),
            std::vector<std::int64_t>{3});
}

TEST(SqliteQuery, ABadPathFailsWhenTheDatabaseIsOpened) {
  try {
    sqlite::database db{"/nonexistent-dir/coflow/x.db"};
    FAIL() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open the database \"/nonexistent-dir/coflow/x.db\""));
    EXPECT_THAT(e.what(), HasSubstr("unable to open database file"));
  }
}

TEST(SqliteQuery, FetchManyGivesBatchesInOrder) {
  auto db = numbers(10);
  auto batches =
      sqlite::query<std::int64_t>(db, "SELECT id FROM t ORDER BY id").fetch_many(4) | coflow::to_vector();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(batches[1], (std::vector<std::int64_t>{5, 6, 7, 8}));
  EXPECT_EQ(batches[2], (std::vector<std::int64_t>{9, 10}));

  auto none =
      sqlite::query<std::int64_t>(db, "SELECT id FROM t WHERE id > 100").fetch_many(4) | coflow::to_vector();
  EXPECT_TRUE(none.empty());
}

TEST(SqliteQuery, FetchManyDeliversTheRowsBeforeAFailure) {
  sqlite::database db{memory_db()};
  db.execute("CREATE TABLE p(x INTEGER)");
  db.execute("INSERT INTO p VALUES (1), (2), (3), (NULL)");
  std::vector<std::vector<int>> seen;
  auto msg = error_of([&] {
    for (auto& batch : coflow::block(sqlite::query<int>(db, "SELECT x FROM p ORDER BY rowid").fetch_many(2)))
      seen.push_back(batch);
  });
  // The failure is inside the second batch: the row before it arrives as a shorter batch.
  EXPECT_EQ(seen, (std::vector<std::vector<int>>{{1, 2}, {3}}));
  EXPECT_THAT(msg, HasSubstr("column 0 \"x\" is NULL"));

  seen.clear();
  msg = error_of([&] {
    for (auto& batch : coflow::block(sqlite::query<int>(db, "SELECT x FROM p ORDER BY rowid").fetch_many(10)))
      seen.push_back(batch);
  });
  EXPECT_EQ(seen, (std::vector<std::vector<int>>{{1, 2, 3}}));
  EXPECT_THAT(msg, HasSubstr("column 0 \"x\" is NULL"));
}

TEST(SqliteQuery, DroppingAQueryMidStreamFinalizesItAndReturnsTheConnection) {
  auto db = numbers(20000);
  ASSERT_EQ(db.open_connections(), 1u);
  ASSERT_EQ(db.idle_connections(), 1u);
  {
    std::vector<std::int64_t> first;
    auto q = sqlite::query<std::int64_t>(db, "SELECT id FROM t ORDER BY id");
    for (auto id : coflow::block(q)) {
      if (first.size() == 3) break;
      first.push_back(id);
    }
    EXPECT_EQ(first, (std::vector<std::int64_t>{1, 2, 3}));
    // The worker still holds the only connection: the ring is full and the statement is open.
    EXPECT_EQ(db.idle_connections(), 0u);
  }
  EXPECT_EQ(db.idle_connections(), 1u);
  EXPECT_EQ(db.open_connections(), 1u);
  // A statement left open on the shared cache would lock the table against DROP.
  EXPECT_EQ(db.execute("DROP TABLE t"), 0);
  EXPECT_EQ(sqlite::query<std::int64_t>(db, "SELECT count(*) FROM sqlite_master WHERE name = 't'") |
                coflow::to_vector(),
            std::vector<std::int64_t>{0});
  EXPECT_EQ(db.open_connections(), 1u);
}

TEST(SqliteQuery, DroppingAQueryInterruptsALongStatement) {
  sqlite::database db{memory_db()};
  {
    // Counts to a billion before its one row: a worker inside sqlite3_step.
    auto q = sqlite::query<std::int64_t>(db,
                                         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                         "SELECT count(*) FROM (SELECT x FROM c LIMIT 1000000000)");
    auto first = q.next();  // starts the worker; no row yet
    EXPECT_FALSE(first.has_value());
  }
  EXPECT_EQ(db.idle_connections(), 1u);
  // The interrupt did not stay on the connection: the next query on it runs.
  EXPECT_EQ(sqlite::query<int>(db, "SELECT 42") | coflow::to_vector(), std::vector<int>{42});
}

TEST(SqliteQuery, TwoQueriesInOneFlowRunOnSeparateConnections) {
  auto db = numbers(5000);
  db.execute("CREATE TABLE u(id INTEGER PRIMARY KEY, v INTEGER)");
  db.execute("INSERT INTO u SELECT id, id * 10 FROM t");
  std::size_t most_open = 0;
  std::int64_t sum = 0;
  auto pairs = coflow::zip(sqlite::query<std::int64_t>(db, "SELECT id FROM t ORDER BY id"),
                           sqlite::query<std::int64_t>(db, "SELECT v FROM u ORDER BY id"));
  std::size_t n = 0;
  for (auto&& [id, v] : coflow::block(std::move(pairs))) {
    EXPECT_EQ(v, id * 10);
    most_open = std::max(most_open, db.open_connections());
    sum += v;
    ++n;
  }
  EXPECT_EQ(n, 5000u);
  EXPECT_EQ(sum, 10 * 5000 * 5001 / 2);
  // Both workers held a connection of their own at once; both went back to the pool.
  EXPECT_EQ(most_open, 2u);
  EXPECT_EQ(db.idle_connections(), 2u);
}

TEST(SqliteQuery, ThePoolKeepsAtMostMaxIdleConnections) {
  auto db = numbers(5000, sqlite::options{.max_idle = 2});
  {
    auto a = sqlite::query<std::int64_t>(db, "SELECT id FROM t");
    auto b = sqlite::query<std::int64_t>(db, "SELECT id FROM t");
    auto c = sqlite::query<std::int64_t>(db, "SELECT id FROM t");
    auto ra = coflow::block(a);
    auto rb = coflow::block(b);
    auto rc = coflow::block(c);
    EXPECT_EQ(*ra.begin(), 1);
    EXPECT_EQ(*rb.begin(), 1);
    EXPECT_EQ(*rc.begin(), 1);
    EXPECT_EQ(db.open_connections(), 3u);
  }
  EXPECT_EQ(db.idle_connections(), 2u);
  EXPECT_EQ(db.open_connections(), 2u);
}

TEST(SqliteQuery, StatementsWithoutRowsRunThroughAQueryToo) {
  sqlite::database db{memory_db()};
  db.execute("CREATE TABLE p(x INTEGER)");
  auto none = sqlite::query<>(db, "INSERT INTO p VALUES (?)", 5) | coflow::to_vector();
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(sqlite::query<int>(db, "SELECT x FROM p") | coflow::to_vector(), std::vector<int>{5});
}

TEST(SqliteQuery, ExecuteGivesTheNumberOfChangedRows) {
  auto db = numbers(10);
  EXPECT_EQ(db.execute("UPDATE t SET name = ? WHERE id <= ?", "x", 4), 4);
  EXPECT_EQ(db.execute("DELETE FROM t WHERE name = ?", "x"), 4);
}

// Misuse is a compile error (see tests/compile_fail/sqlite_bad_column.cpp for the message).
template <class... Cols>
concept query_compiles = requires(sqlite::database& db) {
  { sqlite::query<Cols...>(db, "") } -> coflow::stage;
};
static_assert(query_compiles<int, std::optional<std::string>, sqlite::blob>);

TEST(SqliteQuery, WithOtherBufferingGivesTheSameRowsInOrder) {
  auto db = numbers(3000);
  auto ids = sqlite::query<std::int64_t>(db, "SELECT id FROM t ORDER BY id")
                 .with(coflow::threaded_options{.capacity = 1, .batch = 1}) |
             coflow::to_vector();
  ASSERT_EQ(ids.size(), 3000u);
  for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<std::int64_t>(i + 1));
}
