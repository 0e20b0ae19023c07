// SPDX-License-Identifier: BSL-1.0
// Runs against a real PostgreSQL server named by COFLOW_PG_CONNINFO; without it every test
// reports a skip. scripts/test.sh starts one; by hand:
//   . scripts/services.sh && start_services && ctest --test-dir build/debug -R Postgres; stop_services
#include <coflow/sql/postgres.hpp>

#include <coflow/coflow.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/stages/zip.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

using ::testing::HasSubstr;
namespace pg = coflow::postgres;

namespace {

class Postgres : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* c = std::getenv("COFLOW_PG_CONNINFO");
    if (!c || !*c)
      GTEST_SKIP() << "COFLOW_PG_CONNINFO is not set: no PostgreSQL server to test against "
                      "(run `. scripts/services.sh && start_services` first, or scripts/test.sh)";
    conninfo = c;
    // Each test gets a table of its own: tests may run in parallel (ctest -j) on one server.
    static std::atomic<int> n{0};
    table = "coflow_t_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    exec("DROP TABLE IF EXISTS " + table);
    exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text)");
  }
  void TearDown() override {
    if (!table.empty()) exec("DROP TABLE IF EXISTS " + table);
  }

  // Statements without rows run as queries of no columns.
  template <class... P>
  void exec(const std::string& sql, P&&... params) {
    pg::query<>(conninfo, sql, std::forward<P>(params)...) | coflow::to_vector();
  }
  void fill(int n) {
    exec("INSERT INTO " + table + " SELECT x, 'name' || x FROM generate_series(1, $1::int) AS x", n);
  }

  template <class F>
  static std::string error_of(F&& body) {
    try {
      body();
    } catch (const pg::error& e) {
      return e.what();
    }
    ADD_FAILURE() << "no coflow::postgres::error was thrown";
    return {};
  }

  std::string conninfo;
  std::string table;
};

}  // namespace

static_assert(std::is_base_of_v<std::runtime_error, pg::error>);

TEST_F(Postgres, UnionOfThreeStringsGivesThreeOneColumnRows) {
  auto q = pg::query<std::string>(conninfo, "SELECT 'one' UNION ALL SELECT 'two' UNION ALL SELECT 'three'");
  static_assert(coflow::stage<decltype(q)>);
  static_assert(coflow::uses_threads_v<decltype(q)>);
  EXPECT_EQ(std::move(q) | coflow::to_vector(), (std::vector<std::string>{"one", "two", "three"}));
}

TEST_F(Postgres, BindsEveryParameterTypeAndReadsItBack) {
  const pg::blob bytes{std::byte{0}, std::byte{0x7f}, std::byte{0xff}};
  const std::string_view view = "a view";
  auto rows =
      pg::query<int, std::int64_t, double, std::string, std::string, pg::blob, bool,
                std::optional<std::int64_t>, std::optional<std::string>, std::int16_t>(
          conninfo, "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::text, $10", 7, std::int64_t{1} << 40, 0.1,
          "literal", view, bytes, true, std::optional<std::int64_t>{}, std::nullopt, std::int16_t{-3}) |
      coflow::to_vector();
  ASSERT_EQ(rows.size(), 1u);
  auto& [i, big, d, lit, v, b, flag, none, null, small] = rows[0];
  EXPECT_EQ(i, 7);
  EXPECT_EQ(big, std::int64_t{1} << 40);
  EXPECT_EQ(d, 0.1);  // shortest round-trip text both ways
  EXPECT_EQ(lit, "literal");
  EXPECT_EQ(v, "a view");
  EXPECT_EQ(b, bytes);
  EXPECT_TRUE(flag);
  EXPECT_EQ(none, std::nullopt);
  EXPECT_EQ(null, std::nullopt);
  EXPECT_EQ(small, -3);
}

TEST_F(Postgres, AHostileParameterIsStoredAndReadBackLiterally) {
  const std::string hostile = "'); DROP TABLE " + table + "; --";
  exec("INSERT INTO " + table + " VALUES ($1, $2)", 1, hostile);
  EXPECT_EQ(pg::query<std::string>(conninfo, "SELECT name FROM " + table + " WHERE id = $1", 1) |
                coflow::to_vector(),
            std::vector<std::string>{hostile});
  EXPECT_EQ(pg::query<std::int64_t>(conninfo, "SELECT id FROM " + table + " WHERE name = $1", hostile) |
                coflow::to_vector(),
            std::vector<std::int64_t>{1});
  EXPECT_EQ(pg::query<std::int64_t>(conninfo, "SELECT count(*) FROM " + table) | coflow::to_vector(),
            std::vector<std::int64_t>{1});
}

// PostgreSQL text cannot hold a NUL byte, and libpq reads a text parameter only up to its
// first one: such a parameter must fail, never be stored cut short.
TEST_F(Postgres, ATextParameterHoldingANulByteFailsInsteadOfBeingCut) {
  const std::string sql = "INSERT INTO " + table + " VALUES ($1, $2)";
  const std::string with_nul("a\0b\0c", 5);
  auto msg = error_of([&] { exec(sql, 1, with_nul); });
  EXPECT_THAT(msg, HasSubstr("coflow::postgres: parameter $2 is text holding a NUL byte at offset 1"));
  EXPECT_THAT(msg, HasSubstr("std::vector<std::byte>"));
  EXPECT_THAT(msg, HasSubstr("bytea"));
  EXPECT_THAT(msg, HasSubstr("\"" + sql + "\""));
  // A view and an optional string are text parameters too; the offset is the first NUL's.
  EXPECT_THAT(error_of([&] {
                exec(sql, 2, std::string_view{"xy\0", 3});
              }),
              HasSubstr("NUL byte at offset 2"));
  EXPECT_THAT(error_of([&] { exec(sql, 3, std::optional<std::string>{with_nul}); }),
              HasSubstr("parameter $2"));
  // Nothing was stored, cut or not.
  EXPECT_EQ(pg::query<std::int64_t>(conninfo, "SELECT count(*) FROM " + table) | coflow::to_vector(),
            std::vector<std::int64_t>{0});
}

TEST_F(Postgres, ANulInATextParameterReachesTheFlowAsAFailure) {
  const std::string sql = "SELECT $1::text";
  const std::string with_nul("a\0b", 3);
  // block rethrows it, fetch_many too, and a database's query (which runs statements without
  // rows as well: postgres::database has no execute) fails the same, without taking a connection.
  EXPECT_THAT(error_of([&] {
                for (auto&& s : coflow::block(pg::query<std::string>(conninfo, sql, with_nul))) (void)s;
              }),
              HasSubstr("parameter $1 is text holding a NUL byte at offset 1"));
  EXPECT_THAT(
      error_of([&] { pg::query<std::string>(conninfo, sql, with_nul).fetch_many(2) | coflow::to_vector(); }),
      HasSubstr("NUL byte"));
  pg::database db{conninfo};
  EXPECT_THAT(error_of([&] {
                pg::query<>(db, "INSERT INTO " + table + " VALUES (1, $1)", with_nul) | coflow::to_vector();
              }),
              HasSubstr("NUL byte"));
  EXPECT_EQ(db.open_connections(), 0u);
  // A spawned flow errbacks its deferred with the error, type kept.
  coflow::scheduler sched;
  auto d = sched.spawn(pg::query<std::string>(db, sql, with_nul));
  std::string errback;
  d.on_error([&](const coflow::failure& f) { errback = f.is<pg::error>() ? f.message() : f.type_name(); });
  sched.run();
  EXPECT_THAT(errback, HasSubstr("parameter $1 is text holding a NUL byte at offset 1"));
}

TEST_F(Postgres, TextWithoutNulAndByteaWithNulBytesRoundTrip) {
  exec("CREATE TABLE " + table + "_b (id bigint, name text, data bytea)");
  const pg::blob data{std::byte{'a'}, std::byte{0}, std::byte{'b'}, std::byte{0}, std::byte{'c'}};
  exec("INSERT INTO " + table + "_b VALUES ($1, $2, $3)", 1, std::string{"a b c"}, data);
  auto rows = pg::query<std::string, pg::blob, std::int64_t>(
                  conninfo, "SELECT name, data, length(data)::bigint FROM " + table + "_b WHERE id = $1", 1) |
              coflow::to_vector();
  exec("DROP TABLE " + table + "_b");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<0>(rows[0]), "a b c");
  EXPECT_EQ(std::get<1>(rows[0]), data);
  EXPECT_EQ(std::get<2>(rows[0]), 5);
}

TEST_F(Postgres, OptionalColumnsTakeNull) {
  exec("INSERT INTO " + table + " VALUES (1, 'a'), (2, NULL)");
  auto rows = pg::query<std::int64_t, std::optional<std::string>>(
                  conninfo, "SELECT id, name FROM " + table + " ORDER BY id") |
              coflow::to_vector();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<1>(rows[0]), "a");
  EXPECT_EQ(std::get<1>(rows[1]), std::nullopt);
}

TEST_F(Postgres, NullInANonOptionalColumnFailsAfterTheRowsBeforeIt) {
  exec("INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, 'd')");
  const std::string sql = "SELECT id, name FROM " + table + " ORDER BY id";
  std::vector<std::string> seen;
  auto msg = error_of([&] {
    for (auto& [id, name] : coflow::block(pg::query<std::int64_t, std::string>(conninfo, sql)))
      seen.push_back(name);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(msg, HasSubstr("coflow::postgres"));
  EXPECT_THAT(msg, HasSubstr("column 1 \"name\" is NULL"));
  EXPECT_THAT(msg, HasSubstr("\"" + sql + "\""));
}

TEST_F(Postgres, AColumnCountOrTypeThatDoesNotFitFails) {
  fill(2);
  const std::string sql = "SELECT id, name FROM " + table;
  auto count = error_of([&] { pg::query<std::int64_t>(conninfo, sql) | coflow::to_vector(); });
  EXPECT_THAT(count, HasSubstr("gives 2 column(s), but the row declares 1"));
  EXPECT_THAT(count, HasSubstr("\"" + sql + "\""));

  auto type = error_of([&] { pg::query<std::int64_t, std::int64_t>(conninfo, sql) | coflow::to_vector(); });
  EXPECT_THAT(type,
              HasSubstr("column 1 \"name\" has type text, which does not fit the declared std::int64_t"));

  auto narrow =
      error_of([&] { pg::query<std::int8_t>(conninfo, "SELECT 300 AS big") | coflow::to_vector(); });
  EXPECT_THAT(narrow, HasSubstr("column 0 \"big\" holds \"300\""));
}

TEST_F(Postgres, ASyntaxErrorOrAMissingTableCarriesTheServersText) {
  auto syntax = error_of([&] { pg::query<int>(conninfo, "SELEC 1") | coflow::to_vector(); });
  EXPECT_THAT(syntax, HasSubstr("syntax error at or near \"SELEC\""));
  EXPECT_THAT(syntax, HasSubstr("\"SELEC 1\""));

  auto missing =
      error_of([&] { pg::query<int>(conninfo, "SELECT id FROM coflow_missing") | coflow::to_vector(); });
  EXPECT_THAT(missing, HasSubstr("relation \"coflow_missing\" does not exist"));
  EXPECT_THAT(missing, HasSubstr("42P01"));
}

TEST_F(Postgres, NoServerFailsWithLibpqsText) {
  auto msg = error_of(
      [&] { pg::query<int>("host=127.0.0.1 port=1 connect_timeout=2", "SELECT 1") | coflow::to_vector(); });
  EXPECT_THAT(msg, HasSubstr("cannot connect"));
  EXPECT_THAT(msg, HasSubstr("Connection refused"));
  EXPECT_THAT(msg, HasSubstr("\"SELECT 1\""));
}

TEST_F(Postgres, FetchManyGivesBatchesInOrder) {
  fill(10);
  auto batches = pg::query<std::int64_t>(conninfo, "SELECT id FROM " + table + " ORDER BY id").fetch_many(4) |
                 coflow::to_vector();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(batches[2], (std::vector<std::int64_t>{9, 10}));
}

TEST_F(Postgres, StreamsALargeResultAndStopsEarly) {
  // Ten million rows, generated one by one by the server (a set-returning function in the
  // select list streams); taking three and dropping the query must not wait for the rest.
  std::vector<std::int64_t> first;
  for (auto id : coflow::block(pg::query<std::int64_t>(conninfo, "SELECT generate_series(1, 10000000)"))) {
    first.push_back(id);
    if (first.size() == 3) break;
  }
  EXPECT_EQ(first, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(Postgres, DroppingAQueryCancelsASlowStatement) {
  auto sleeping_now = [&] {
    return pg::query<std::int64_t>(conninfo,
                                   "SELECT count(*) FROM pg_stat_activity WHERE query = "
                                   "'SELECT 1 FROM pg_sleep(600)' AND state = 'active'") |
           coflow::to_vector();
  };
  // Waits (bounded) until the server shows `n` backends running the statement.
  auto wait_for = [&](std::int64_t n) {
    std::vector<std::int64_t> sleeping;
    for (int tries = 0; tries < 50; ++tries) {
      sleeping = sleeping_now();
      if (sleeping == std::vector<std::int64_t>{n}) break;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    return sleeping;
  };
  {
    auto q = pg::query<int>(conninfo, "SELECT 1 FROM pg_sleep(600)");
    EXPECT_FALSE(q.next().has_value());  // starts the worker, which waits on the server
    // Dropped once the server runs it: a cancel that reaches the server before the statement
    // has nothing to cancel yet (PostgreSQL's cancel is a separate, asynchronous request).
    EXPECT_EQ(wait_for(1), std::vector<std::int64_t>{1});
  }
  // The drop returned (it did not wait ten minutes), and the server stopped the statement:
  // soon no backend runs it any more (the cancel is asynchronous on the server side).
  EXPECT_EQ(wait_for(0), std::vector<std::int64_t>{0});
}

TEST_F(Postgres, TwoQueriesInOneFlow) {
  fill(3000);
  auto pairs = coflow::zip(pg::query<std::int64_t>(conninfo, "SELECT id FROM " + table + " ORDER BY id"),
                           pg::query<std::string>(conninfo, "SELECT name FROM " + table + " ORDER BY id"));
  std::size_t n = 0;
  for (auto&& [id, name] : coflow::block(std::move(pairs))) {
    EXPECT_EQ(name, "name" + std::to_string(id));
    ++n;
  }
  EXPECT_EQ(n, 3000u);
}

namespace {
std::int64_t backend_pid(const pg::database& db) {
  return (pg::query<std::int64_t>(db, "SELECT pg_backend_pid()::bigint") | coflow::to_vector()).at(0);
}
}  // namespace

TEST_F(Postgres, ADatabaseConnectsOnTheFirstQueryAndReusesTheConnection) {
  pg::database db{conninfo};
  EXPECT_EQ(db.open_connections(), 0u);
  const std::int64_t first = backend_pid(db);
  EXPECT_EQ(backend_pid(db), first);
  fill(5);
  EXPECT_EQ(pg::query<std::int64_t>(db, "SELECT id FROM " + table + " WHERE id > $1 ORDER BY id", 3) |
                coflow::to_vector(),
            (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(backend_pid(db), first);
  EXPECT_EQ(db.open_connections(), 1u);
  EXPECT_EQ(db.idle_connections(), 1u);
}

TEST_F(Postgres, QueriesOfADatabaseInOneFlowBorrowAConnectionEach) {
  fill(3000);
  pg::database db{conninfo};
  auto pairs = coflow::zip(pg::query<std::int64_t>(db, "SELECT id FROM " + table + " ORDER BY id"),
                           pg::query<std::string>(db, "SELECT name FROM " + table + " ORDER BY id"));
  std::size_t n = 0;
  for (auto&& [id, name] : coflow::block(std::move(pairs))) {
    EXPECT_EQ(name, "name" + std::to_string(id));
    ++n;
  }
  EXPECT_EQ(n, 3000u);
  EXPECT_EQ(db.open_connections(), 2u);
  EXPECT_EQ(db.idle_connections(), 2u);
}

TEST_F(Postgres, ARejectedStatementGivesItsConnectionBack) {
  pg::database db{conninfo};
  const std::int64_t pid = backend_pid(db);
  EXPECT_THAT(error_of([&] { pg::query<std::int64_t>(db, "SELEC 1") | coflow::to_vector(); }),
              HasSubstr("syntax error"));
  EXPECT_EQ(db.idle_connections(), 1u);
  EXPECT_EQ(backend_pid(db), pid);
}

TEST_F(Postgres, AnOpenTransactionIsNotGivenBack) {
  pg::database db{conninfo};
  pg::query<>(db, "BEGIN") | coflow::to_vector();  // leaves the session inside a transaction
  EXPECT_EQ(db.open_connections(), 0u);
  EXPECT_EQ(db.idle_connections(), 0u);
}

TEST_F(Postgres, AQueryDroppedMidStatementClosesItsConnection) {
  pg::database db{conninfo};
  std::vector<std::int64_t> first;
  for (auto id : coflow::block(pg::query<std::int64_t>(db, "SELECT generate_series(1, 10000000)"))) {
    first.push_back(id);
    if (first.size() == 3) break;
  }
  EXPECT_EQ(first, (std::vector<std::int64_t>{1, 2, 3}));
  // Cancelled on the server: a late cancel could hit the next statement, so it is not reused.
  EXPECT_EQ(db.open_connections(), 0u);
  EXPECT_EQ(db.idle_connections(), 0u);
  backend_pid(db);  // the next query connects anew
  EXPECT_EQ(db.open_connections(), 1u);
}

TEST_F(Postgres, AConnectionTheServerEndedIsNotReused) {
  pg::database db{conninfo};
  const std::int64_t pid = backend_pid(db);
  EXPECT_EQ(pg::query<bool>(conninfo, "SELECT pg_terminate_backend($1::int)", pid) | coflow::to_vector(),
            std::vector<bool>{true});
  // The server ends the session asynchronously: wait until it is gone.
  for (int tries = 0; tries < 100; ++tries) {
    auto left =
        pg::query<std::int64_t>(conninfo, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", pid) |
        coflow::to_vector();
    if (left == std::vector<std::int64_t>{0}) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  const std::int64_t again = backend_pid(db);  // not "server closed the connection"
  EXPECT_NE(again, pid);
  EXPECT_EQ(db.open_connections(), 1u);
}
