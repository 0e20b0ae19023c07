// SPDX-License-Identifier: BSL-1.0
// Writing to SQLite: prepared statements, the statement cache, transactions, the interaction
// form on a scheduler, and the insert sink, against shared-cache in-memory and file databases.
#include <coflow/sql/sqlite.hpp>

#include <coflow/coflow.hpp>
#include <coflow/scheduling/scheduler.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/hana/define_struct.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using ::testing::HasSubstr;
namespace sqlite = coflow::sqlite;
using namespace coflow::sql::literals;

namespace {

std::string memory_db() {
  static std::atomic<int> n{0};
  return "file:coflow_sqlite_write_" + std::to_string(n++) + "?mode=memory&cache=shared";
}

sqlite::database table_t(std::string path = memory_db(), sqlite::options o = {}) {
  sqlite::database db{std::move(path), o};
  db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
  return db;
}

std::int64_t count(const sqlite::database& db) {
  return db.prepare<>("SELECT count(*) FROM t").query<std::int64_t>().front();
}

// A file database in a fresh temporary directory, removed at the end of the test.
struct temp_file {
  std::filesystem::path dir = [] {
    static std::atomic<int> n{0};
    auto d = std::filesystem::temp_directory_path() /
             ("coflow_sqlite_write_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::create_directories(d);
    return d;
  }();
  ~temp_file() { std::filesystem::remove_all(dir); }
  std::string path() const { return (dir / "db.sqlite").string(); }
};

struct person {
  BOOST_HANA_DEFINE_STRUCT(person, (std::int64_t, id), (std::string, name));
};

}  // namespace

TEST(SqliteWrite, RepeatedExecuteReusesOneCachedStatement) {
  auto db = table_t();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(db.execute("INSERT INTO t(id, name) VALUES (?, ?)", i, "x"), 1);
  ASSERT_EQ(db.idle_connections(), 1u);
  sqlite::detail::lease l{db.pool()};
  auto cached = l.get()->cache.take("INSERT INTO t(id, name) VALUES (?, ?)");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(sqlite3_stmt_status(*cached, SQLITE_STMTSTATUS_RUN, 0), 3);  // one statement ran 3 times
  l.get()->cache.put("INSERT INTO t(id, name) VALUES (?, ?)", *cached);
}

TEST(SqliteWrite, PreparedStatementRunsManyTimesAndQueries) {
  auto db = table_t();
  auto ins = db.prepare<std::int64_t, std::string_view>("INSERT INTO t(id, name) VALUES (?, ?)");
  for (std::int64_t i = 1; i <= 5; ++i) EXPECT_EQ(ins.execute(i, "n" + std::to_string(i)), 1);
  auto sel = db.prepare<std::int64_t>("SELECT id, name FROM t WHERE id >= ? ORDER BY id");
  auto rows = sel.query<std::int64_t, std::string>(4);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], std::make_tuple(std::int64_t{5}, std::string{"n5"}));
  EXPECT_EQ((sel.query<std::int64_t, std::string>(5).size()), 1u);  // the same statement again
}

TEST(SqliteWrite, PreparedStatementOfTheWrongSizeFailsWhenPrepared) {
  auto db = table_t();
  try {
    (void)db.prepare<std::int64_t>("INSERT INTO t(id, name) VALUES (?, ?)");
    FAIL() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the statement has 2 parameter(s), but 1 value(s) were given"));
  }
}

TEST(SqliteWrite, TransactionCommitsAllItsStatementsTogether) {
  auto db = table_t();
  auto tx = db.begin();
  tx.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
  tx.execute("INSERT INTO t VALUES (?, ?)", 2, "two");
  EXPECT_EQ(tx.query<std::int64_t>("SELECT count(*) FROM t").front(), 2);  // its own writes
  tx.commit();
  EXPECT_FALSE(tx.active());
  EXPECT_EQ(count(db), 2);
  EXPECT_THAT(
      [&] {
        try {
          tx.execute("INSERT INTO t VALUES (3, 'x')");
        } catch (const sqlite::error& e) {
          return std::string{e.what()};
        }
        return std::string{};
      }(),
      HasSubstr("the transaction was moved from, committed or rolled back"));
}

TEST(SqliteWrite, TransactionDroppedWithoutCommitRollsBack) {
  auto db = table_t();
  {
    auto tx = db.begin();
    tx.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
  }
  EXPECT_EQ(count(db), 0);
  auto tx = db.begin();
  tx.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
  tx.rollback();
  EXPECT_EQ(count(db), 0);
}

TEST(SqliteWrite, AFailedStatementRollsTheTransactionBack) {
  auto db = table_t();
  auto tx = db.begin();
  tx.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
  EXPECT_THROW(tx.execute("INSERT INTO t VALUES (?, ?)", 1, "again"), sqlite::error);
  EXPECT_FALSE(tx.active());
  EXPECT_EQ(count(db), 0);
  try {
    tx.execute("INSERT INTO t VALUES (?, ?)", 2, "two");
    FAIL() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the transaction was rolled back after a failed statement"));
  }
}

TEST(SqliteWrite, PreparedInsideATransactionCommitsWithIt) {
  temp_file f;  // a file: another connection reads while the transaction writes
  auto db = table_t(f.path());
  auto tx = db.begin();
  {
    auto ins = tx.prepare<std::int64_t, std::string>("INSERT INTO t VALUES (?, ?)"_sql);
    for (std::int64_t i = 0; i < 100; ++i) ins.execute(i, "v");
  }
  EXPECT_EQ(count(db), 0);  // another connection does not see it yet
  tx.commit();
  EXPECT_EQ(count(db), 100);
}

TEST(SqliteWrite, ConcurrentTransactionsOnAFileWaitForEachOtherThenReportTheLock) {
  temp_file f;
  auto db = table_t(f.path(), {.busy_timeout = std::chrono::milliseconds{10'000}});
  constexpr int threads = 2, per_thread = 20;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto tx = db.begin();
        tx.execute("INSERT INTO t VALUES (?, ?)", t * per_thread + i, "x");
        tx.commit();
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(count(db), threads * per_thread);

  sqlite::database impatient{f.path(), {.busy_timeout = std::chrono::milliseconds{20}}};
  auto holder = db.begin();
  try {
    (void)impatient.begin();
    FAIL() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("database is locked"));
    EXPECT_THAT(e.what(), HasSubstr("BEGIN IMMEDIATE"));
  }
}

TEST(SqliteWrite, InteractionCommitsOnReturnAndRollsBackOnThrow) {
  temp_file f;  // a file: the three workers' transactions wait for each other's locks
  auto db = table_t(f.path());
  coflow::scheduler sched;
  auto ok = db.transaction(sched, [](sqlite::transaction& tx) {
    tx.execute("INSERT INTO t VALUES (?, ?)", 1, "one");
    return tx.query<std::int64_t>("SELECT count(*) FROM t").front();
  });
  static_assert(std::is_same_v<decltype(ok), coflow::deferred<std::int64_t>>);
  auto bad = db.transaction(sched, [](sqlite::transaction& tx) {
    tx.execute("INSERT INTO t VALUES (?, ?)", 2, "two");
    throw std::runtime_error("changed my mind");
  });
  auto n = db.execute_async(sched, "INSERT INTO t VALUES (?, ?)", 3, std::string{"three"});
  sched.run();
  ASSERT_TRUE(ok.succeeded());
  EXPECT_GE(ok.value(), 1);  // the other interactions may have run before it
  ASSERT_TRUE(bad.failed());
  EXPECT_THROW((void)bad.value(), std::runtime_error);
  ASSERT_TRUE(n.succeeded());
  EXPECT_EQ(n.value(), 1);
  EXPECT_EQ(db.begin().query<std::int64_t>("SELECT id FROM t ORDER BY id"),
            (std::vector<std::int64_t>{1, 3}));
}

TEST(SqliteWrite, InsertSinkWritesEveryRowAndCountsThem) {
  auto db = table_t();
  auto n =
      coflow::iota(0, 10'000) | coflow::map([](int i) {
        return std::tuple{std::int64_t{i}, std::to_string(i)};
      }) |
      sqlite::insert(db, "INSERT INTO t(id, name) VALUES (?, ?)"_sql, {.batch_rows = 1000, .capacity = 64});
  EXPECT_EQ(n, 10'000);
  EXPECT_EQ(count(db), 10'000);
  EXPECT_EQ(db.begin().query<std::string>("SELECT name FROM t WHERE id = ?", 9999).front(), "9999");
}

TEST(SqliteWrite, InsertSinkTakesHanaStructsAndSingleValues) {
  auto db = table_t();
  std::vector<person> people{{1, "ann"}, {2, "bob"}};
  EXPECT_EQ(coflow::from(people) | sqlite::insert(db, "INSERT INTO t(id, name) VALUES (?, ?)"), 2);
  db.execute("CREATE TABLE u(x INTEGER)");
  EXPECT_EQ(coflow::iota(0, 5) | sqlite::insert(db, "INSERT INTO u VALUES (?)"_sql), 5);
  EXPECT_EQ(db.begin().query<std::string>("SELECT name FROM t ORDER BY id"),
            (std::vector<std::string>{"ann", "bob"}));
}

TEST(SqliteWrite, AFailingRowRollsBackItsBatchOnlyAndIsNamed) {
  auto db = table_t();
  db.execute("INSERT INTO t VALUES (250, 'taken')");
  try {
    coflow::iota(0, 1000) | coflow::map([](int i) {
      return std::tuple{std::int64_t{i}, std::string{"r"}};
    }) | sqlite::insert(db, "INSERT INTO t(id, name) VALUES (?, ?)", {.batch_rows = 100});
    FAIL() << "no error";
  } catch (const sqlite::insert_error& e) {
    EXPECT_EQ(e.row(), 250);
    EXPECT_EQ(e.rows_committed(), 200);
    EXPECT_THAT(e.what(), HasSubstr("row 250 (250, \"r\") failed"));
    EXPECT_THAT(e.what(), HasSubstr("rows 200 to 250) was rolled back"));
    EXPECT_THAT(e.what(), HasSubstr("UNIQUE constraint failed"));
  }
  EXPECT_EQ(count(db), 201);  // rows 0..199 and the row that was there
}

TEST(SqliteWrite, AFailingFlowRollsBackTheOpenBatch) {
  auto db = table_t();
  auto flow = coflow::iota(0, 1000) | coflow::map([](int i) {
                if (i == 150) throw std::runtime_error("bad input");
                return std::tuple{std::int64_t{i}, std::string{"r"}};
              });
  EXPECT_THROW(std::move(flow) | sqlite::insert(db, "INSERT INTO t VALUES (?, ?)",
                                                {.batch_rows = 100, .batch_time = std::chrono::hours{1}}),
               std::runtime_error);
  EXPECT_EQ(count(db), 100);
}

TEST(SqliteWrite, HostileValuesAreStoredExactly) {
  auto db = table_t();
  std::string nul{"a\0b", 3};
  std::string big(10 * 1024 * 1024, 'z');
  std::string invalid_utf8{"\xff\xfe\xc3", 3};
  std::vector<std::tuple<std::int64_t, std::string>> rows{
      {1, "'); DROP TABLE t; --"}, {2, nul}, {3, big}, {4, invalid_utf8}, {5, "\"quoted\" \\ back"}};
  EXPECT_EQ(coflow::from(rows) | sqlite::insert(db, "INSERT INTO t VALUES (?, ?)"), 5);
  auto back = db.begin().query<std::int64_t, std::string>("SELECT id, name FROM t ORDER BY id");
  EXPECT_EQ(back, rows);
}

TEST(SqliteWrite, ABadStatementFailsTheFlowBeforeAnyRow) {
  auto db = table_t();
  try {
    coflow::iota(0, 10) | sqlite::insert(db, "INSERT INTO missing VALUES (?)");
    FAIL() << "no error";
  } catch (const sqlite::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no such table: missing"));
  }
}
