// SPDX-License-Identifier: BSL-1.0
// Writing to PostgreSQL: the statement cache, prepared statements, transactions, the
// interaction form on a scheduler and the insert sink (COPY and per-row), against the server
// named by COFLOW_PG_CONNINFO (skipped without it; scripts/test.sh starts one).
#include <coflow/sql/postgres.hpp>

#include <coflow/coflow.hpp>
#include <coflow/scheduling/scheduler.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using ::testing::HasSubstr;
namespace pg = coflow::postgres;
using namespace coflow::sql::literals;

namespace {

class PostgresWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* c = std::getenv("COFLOW_PG_CONNINFO");
    if (!c || !*c) GTEST_SKIP() << "COFLOW_PG_CONNINFO is not set: no PostgreSQL server to test against";
    static std::atomic<int> n{0};
    const std::string id = std::to_string(::getpid()) + "_" + std::to_string(n++);
    table = "coflow_w_" + id;
    conninfo = std::string{c} + " application_name=coflow_w_" + id;
    db.emplace(conninfo);
    db->execute("DROP TABLE IF EXISTS " + table);
    db->execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text)");
  }
  void TearDown() override {
    if (db) db->execute("DROP TABLE IF EXISTS " + table);
  }
  std::int64_t count() { return db->begin().query<std::int64_t>("SELECT count(*) FROM " + table).front(); }
  std::string insert_sql() const { return "INSERT INTO " + table + "(id, name) VALUES ($1, $2)"; }

  std::string conninfo;
  std::string table;
  std::optional<pg::database> db;
};

auto numbered(int n) {
  return coflow::iota(0, n) | coflow::map([](int i) {
           return std::tuple{std::int64_t{i}, "r" + std::to_string(i)};
         });
}

}  // namespace

TEST_F(PostgresWrite, RepeatedStatementsArePreparedOncePerConnection) {
  auto tx = db->begin();
  const std::string sql = "SELECT $1::bigint + 1";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(tx.query<std::int64_t>(sql, std::int64_t{i}).front(), i + 1);
  EXPECT_EQ(
      tx.query<std::int64_t>("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", sql).front(),
      1);
}

TEST_F(PostgresWrite, PreparedStatementRunsManyTimes) {
  auto ins = db->prepare<std::int64_t, std::string>(insert_sql());
  for (std::int64_t i = 1; i <= 5; ++i) EXPECT_EQ(ins.execute(i, "n" + std::to_string(i)), 1);
  auto sel = db->prepare<std::int64_t>("SELECT id, name FROM " + table + " WHERE id >= $1 ORDER BY id");
  auto rows = sel.query<std::int64_t, std::string>(4);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], std::make_tuple(std::int64_t{5}, std::string{"n5"}));
  EXPECT_THROW((void)db->prepare<std::int64_t>(insert_sql()), pg::error);  // two placeholders
}

TEST_F(PostgresWrite, TransactionCommitsRollsBackAndDrops) {
  {
    auto tx = db->begin();
    tx.execute(insert_sql(), 1, "one");
    EXPECT_EQ(tx.query<std::int64_t>("SELECT count(*) FROM " + table).front(), 1);
    EXPECT_EQ(count(), 0);  // not visible outside yet
    tx.commit();
  }
  {
    auto tx = db->begin();
    tx.execute(insert_sql(), 2, "two");
  }  // dropped: rolled back
  auto tx = db->begin();
  tx.execute(insert_sql(), 3, "three");
  tx.rollback();
  EXPECT_EQ(count(), 1);
}

TEST_F(PostgresWrite, AFailedStatementRollsTheTransactionBack) {
  auto tx = db->begin();
  tx.execute(insert_sql(), 1, "one");
  EXPECT_THROW(tx.execute(insert_sql(), 1, "again"), pg::error);
  EXPECT_FALSE(tx.active());
  try {
    tx.execute(insert_sql(), 2, "two");
    FAIL() << "no error";
  } catch (const pg::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the transaction was rolled back after a failed statement"));
  }
  EXPECT_EQ(count(), 0);
}

TEST_F(PostgresWrite, InteractionAndAsynchronousExecute) {
  coflow::scheduler sched;
  const std::string sql = insert_sql();
  auto ok = db->transaction(sched, [&](pg::transaction& tx) {
    tx.execute(sql, 1, "one");
    return tx.query<std::int64_t>("SELECT count(*) FROM " + table).front();
  });
  auto bad = db->transaction(sched, [&](pg::transaction& tx) {
    tx.execute(sql, 2, "two");
    throw std::runtime_error("changed my mind");
  });
  auto n = db->execute_async(sched, sql, 3, "three");
  sched.run();
  ASSERT_TRUE(ok.succeeded());
  EXPECT_GE(ok.value(), 1);
  ASSERT_TRUE(bad.failed());
  EXPECT_THROW((void)bad.value(), std::runtime_error);
  ASSERT_TRUE(n.succeeded());
  EXPECT_EQ(n.value(), 1);
  EXPECT_EQ(db->begin().query<std::int64_t>("SELECT id FROM " + table + " ORDER BY id"),
            (std::vector<std::int64_t>{1, 3}));
}

TEST_F(PostgresWrite, InsertSinkCopiesEveryRow) {
  EXPECT_EQ(numbered(10'000) | pg::insert(*db, insert_sql(), {.batch_rows = 1000, .capacity = 64}), 10'000);
  EXPECT_EQ(count(), 10'000);
  EXPECT_EQ(db->begin().query<std::string>("SELECT name FROM " + table + " WHERE id = $1", 9999).front(),
            "r9999");
}

TEST_F(PostgresWrite, InsertSinkRunsOtherStatementsRowByRow) {
  db->execute(insert_sql(), 5, "old");
  const std::string upsert = insert_sql() + " ON CONFLICT (id) DO UPDATE SET name = excluded.name";
  EXPECT_EQ(numbered(10) | pg::insert(*db, upsert, {.batch_rows = 4}), 10);
  EXPECT_EQ(count(), 10);
  EXPECT_EQ(db->begin().query<std::string>("SELECT name FROM " + table + " WHERE id = 5").front(), "r5");
}

TEST_F(PostgresWrite, AFailingRowRollsBackItsBatchOnlyAndIsNamed) {
  for (const bool copy : {true, false}) {
    db->execute("TRUNCATE " + table);
    db->execute(insert_sql(), 250, "taken");
    const std::string sql = copy ? insert_sql() : insert_sql() + " RETURNING id";
    try {
      numbered(1000) | pg::insert(*db, sql, {.batch_rows = 100});
      ADD_FAILURE() << "no error";
    } catch (const pg::insert_error& e) {
      EXPECT_EQ(e.row(), 250) << e.what();
      EXPECT_EQ(e.rows_committed(), 200);
      EXPECT_THAT(e.what(), HasSubstr("row 250 (250, \"r250\") failed"));
      EXPECT_THAT(e.what(), HasSubstr("duplicate key"));
    }
    EXPECT_EQ(count(), 201);
  }
}

TEST_F(PostgresWrite, HostileValuesAreStoredExactlyOrRefused) {
  std::vector<std::tuple<std::int64_t, std::string>> rows{{1, "'); DROP TABLE t; --"},
                                                          {2, "tab\there\nnew\\line\r"},
                                                          {3, std::string(10 * 1024 * 1024, 'z')},
                                                          {4, "\\N"},
                                                          {5, ""}};
  EXPECT_EQ(coflow::from(rows) | pg::insert(*db, insert_sql()), 5);
  EXPECT_EQ((db->begin().query<std::int64_t, std::string>("SELECT id, name FROM " + table + " ORDER BY id")),
            rows);

  auto refused = [&](std::string value) {
    try {
      std::vector<std::tuple<std::int64_t, std::string>> one{{10, "fine"}, {11, std::move(value)}};
      coflow::from(one) | pg::insert(*db, insert_sql());
    } catch (const pg::insert_error& e) {
      EXPECT_EQ(e.row(), 1);
      return std::string{e.what()};
    }
    return std::string{"not refused"};
  };
  EXPECT_THAT(refused(std::string{"a\0b", 3}), HasSubstr("NUL byte at offset 1"));
  EXPECT_THAT(refused("\xff\xfe"), HasSubstr("invalid byte sequence"));
  EXPECT_EQ(count(), 5);

  db->execute("CREATE TABLE " + table + "_b (b bytea)");
  std::vector<coflow::sql::blob> blobs{{std::byte{0}, std::byte{'\\'}, std::byte{0xff}}, {}};
  EXPECT_EQ(coflow::from(blobs) | pg::insert(*db, "INSERT INTO " + table + "_b(b) VALUES ($1)"), 2);
  EXPECT_EQ(db->begin().query<coflow::sql::blob>("SELECT b FROM " + table + "_b ORDER BY length(b) DESC"),
            blobs);
  db->execute("DROP TABLE " + table + "_b");
}

TEST_F(PostgresWrite, AKilledServerConnectionFailsTheInsertAndThePoolRecovers) {
  pg::database admin{std::getenv("COFLOW_PG_CONNINFO")};
  const std::string name = conninfo.substr(conninfo.find("application_name=") + 17);
  auto flow =
      numbered(100'000) | coflow::map([&](std::tuple<std::int64_t, std::string> row) {
        if (std::get<0>(row) == 5000)
          admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                        name);
        return row;
      });
  EXPECT_THROW(std::move(flow) | pg::insert(*db, insert_sql(), {.batch_rows = 100, .capacity = 64}),
               pg::error);
  EXPECT_LE(count(), 5000);  // batches committed before the kill at most
  EXPECT_EQ(db->execute(insert_sql(), 1'000'000, "after"), 1);
}
