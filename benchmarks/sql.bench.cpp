// SPDX-License-Identifier: BSL-1.0
// Writing: 1,000,000 (int64, text) rows into SQLite through `sqlite::insert` and through
// `tx.prepare` + `execute` per row, against a raw loop of one prepared statement in one
// transaction; into PostgreSQL (COFLOW_PG_CONNINFO; skipped without it) through
// `postgres::insert` against a raw libpq COPY of the same text. Every variant builds the same
// `"row " + std::to_string(i)` text per row.
//
// Reading: streaming 1,000,000 (int64, text) rows out of SQLite: `sqlite::query | fold` (a worker thread
// steps the statement, rows cross an SPSC ring) against a raw sqlite3_step loop on one thread.
// Both read the same shared-cache in-memory table and compute the same thing: the sum of the
// ids and the total length of the texts.
//
//   cmake --preset release && cmake --build --preset release --target bench_sql
//   build/release/benchmarks/bench_sql --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <coflow/coflow.hpp>
#include <coflow/sql/postgres.hpp>
#include <coflow/sql/sqlite.hpp>

#include <benchmark/benchmark.h>

#include <ctime>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

constexpr std::int64_t rows = 1'000'000;
constexpr const char* uri = "file:coflow_bench_sql?mode=memory&cache=shared";
constexpr const char* select_sql = "SELECT id, name FROM t";

struct totals {
  std::int64_t ids = 0;
  std::size_t text = 0;
};

const coflow::sqlite::database& db() {
  static const coflow::sqlite::database d = [] {
    coflow::sqlite::database filled{uri};
    filled.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    filled.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO t SELECT i, 'row ' || i FROM n",
        rows);
    return filled;
  }();
  return d;
}

// CPU time of the whole process (every thread): on a busy machine wall time says more about
// the neighbours than about the code, so each benchmark also reports its total CPU per run.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
struct cpu_meter {
  benchmark::State& state;
  double start = process_cpu_ms();
  ~cpu_meter() {
    state.counters["process_cpu_ms"] =
        benchmark::Counter((process_cpu_ms() - start) / static_cast<double>(state.iterations()));
  }
};

void check(benchmark::State& state, const totals& t) {
  if (t.ids != rows * (rows + 1) / 2) state.SkipWithError("wrong sum of ids");
}

// The baseline: one thread, one prepared statement, sqlite3_step until done, on a connection
// opened with the flags coflow's pool uses (no per-call mutex).
void raw_sqlite3_step(benchmark::State& state) {
  db();
  sqlite3* c = nullptr;
  if (sqlite3_open_v2(uri, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    std::abort();
  cpu_meter meter{state};
  for (auto _ : state) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(c, select_sql, -1, &s, nullptr);
    totals t;
    while (sqlite3_step(s) == SQLITE_ROW) {
      t.ids += sqlite3_column_int64(s, 0);
      sqlite3_column_text(s, 1);
      t.text += static_cast<std::size_t>(sqlite3_column_bytes(s, 1));
    }
    sqlite3_finalize(s);
    benchmark::DoNotOptimize(t);
    check(state, t);
  }
  sqlite3_close(c);
  state.SetItemsProcessed(state.iterations() * rows);
}

// The same loop, but building the typed row (std::tuple<int64, std::string>) the query gives.
void raw_sqlite3_step_typed_rows(benchmark::State& state) {
  db();
  sqlite3* c = nullptr;
  if (sqlite3_open_v2(uri, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    std::abort();
  cpu_meter meter{state};
  for (auto _ : state) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(c, select_sql, -1, &s, nullptr);
    totals t;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::tuple<std::int64_t, std::string> row{
          sqlite3_column_int64(s, 0), std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                                                  static_cast<std::size_t>(sqlite3_column_bytes(s, 1)))};
      benchmark::DoNotOptimize(row);
      t.ids += std::get<0>(row);
      t.text += std::get<1>(row).size();
    }
    sqlite3_finalize(s);
    benchmark::DoNotOptimize(t);
    check(state, t);
  }
  sqlite3_close(c);
  state.SetItemsProcessed(state.iterations() * rows);
}

void coflow_query_fold(benchmark::State& state) {
  const auto& d = db();
  cpu_meter meter{state};
  for (auto _ : state) {
    totals t = coflow::sqlite::query<std::int64_t, std::string>(d, select_sql) |
               coflow::fold(totals{}, [](totals acc, const std::tuple<std::int64_t, std::string>& row) {
                 acc.ids += std::get<0>(row);
                 acc.text += std::get<1>(row).size();
                 return acc;
               });
    benchmark::DoNotOptimize(t);
    check(state, t);
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

void coflow_query_fetch_many_fold(benchmark::State& state) {
  const auto& d = db();
  const auto n = static_cast<std::size_t>(state.range(0));
  cpu_meter meter{state};
  for (auto _ : state) {
    totals t = coflow::sqlite::query<std::int64_t, std::string>(d, select_sql).fetch_many(n) |
               coflow::fold(totals{},
                            [](totals acc, const std::vector<std::tuple<std::int64_t, std::string>>& batch) {
                              for (const auto& [id, name] : batch) {
                                acc.ids += id;
                                acc.text += name.size();
                              }
                              return acc;
                            });
    benchmark::DoNotOptimize(t);
    check(state, t);
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

// ---- writing ----------------------------------------------------------------------------

constexpr const char* write_uri = "file:coflow_bench_sql_write?mode=memory&cache=shared";
constexpr const char* insert_sql = "INSERT INTO w(id, name) VALUES (?, ?)";

const coflow::sqlite::database& write_db() {
  static const coflow::sqlite::database d = [] {
    coflow::sqlite::database made{write_uri};
    made.execute("CREATE TABLE w(id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    return made;
  }();
  return d;
}

std::string row_name(std::int64_t i) {
  return "row " + std::to_string(i);
}

void check_written(benchmark::State& state, std::int64_t n) {
  if (n != rows) state.SkipWithError("wrong number of rows written");
}

// Empties the table between runs, outside the timing.
void empty_w(benchmark::State& state) {
  state.PauseTiming();
  write_db().execute("DELETE FROM w");
  state.ResumeTiming();
}

// The baseline: one prepared statement, reset and rebound per row, in one transaction.
void raw_sqlite3_insert(benchmark::State& state) {
  write_db();
  sqlite3* c = nullptr;
  if (sqlite3_open_v2(write_uri, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    std::abort();
  cpu_meter meter{state};
  for (auto _ : state) {
    empty_w(state);
    sqlite3_exec(c, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(c, insert_sql, -1, &s, nullptr);
    std::int64_t n = 0;
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::string name = row_name(i);
      sqlite3_bind_int64(s, 1, i);
      sqlite3_bind_text64(s, 2, name.data(), name.size(), SQLITE_STATIC, SQLITE_UTF8);
      if (sqlite3_step(s) == SQLITE_DONE) ++n;
      sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_exec(c, "COMMIT", nullptr, nullptr, nullptr);
    check_written(state, n);
  }
  sqlite3_close(c);
  state.SetItemsProcessed(state.iterations() * rows);
}

auto numbered_rows() {
  return coflow::iota(std::int64_t{0}, rows) | coflow::map([](std::int64_t i) {
           return std::tuple{i, row_name(i)};
         });
}

// The flow's rows cross to the writer's thread and go in transactions of 10,000 (the default).
void coflow_sqlite_insert_sink(benchmark::State& state) {
  const auto& d = write_db();
  cpu_meter meter{state};
  for (auto _ : state) {
    empty_w(state);
    check_written(state, numbered_rows() | coflow::sqlite::insert(d, insert_sql));
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

void coflow_sqlite_prepared_execute(benchmark::State& state) {
  const auto& d = write_db();
  cpu_meter meter{state};
  for (auto _ : state) {
    empty_w(state);
    auto tx = d.begin();
    std::int64_t n = 0;
    {
      auto ins = tx.prepare<std::int64_t, std::string_view>(insert_sql);
      for (std::int64_t i = 0; i < rows; ++i) n += ins.execute(i, row_name(i));
    }
    tx.commit();
    check_written(state, n);
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

// PostgreSQL: the server the tests use (scripts/services.sh), named by COFLOW_PG_CONNINFO.
std::optional<std::string> pg_conninfo() {
  const char* c = std::getenv("COFLOW_PG_CONNINFO");
  if (!c || !*c) return std::nullopt;
  coflow::postgres::database{c}.execute(
      "CREATE TABLE IF NOT EXISTS coflow_bench_w (id bigint PRIMARY KEY, name text NOT NULL)");
  return std::string{c};
}

void pg_exec(PGconn* c, const char* sql) {
  PQclear(PQexec(c, sql));
}

// The baseline: COPY ... FROM STDIN of the same rows in COPY's text format, sent 64 KiB at a time.
void raw_libpq_copy(benchmark::State& state) {
  const auto conninfo = pg_conninfo();
  if (!conninfo) return state.SkipWithError("COFLOW_PG_CONNINFO is not set");
  PGconn* c = PQconnectdb(conninfo->c_str());
  cpu_meter meter{state};
  for (auto _ : state) {
    state.PauseTiming();
    pg_exec(c, "TRUNCATE coflow_bench_w");
    state.ResumeTiming();
    pg_exec(c, "BEGIN");
    PQclear(PQexec(c, "COPY coflow_bench_w(id, name) FROM STDIN"));
    std::string buffer;
    for (std::int64_t i = 0; i < rows; ++i) {
      ((buffer += std::to_string(i)) += '\t' + row_name(i)) += '\n';
      if (buffer.size() >= 64 * 1024) {
        PQputCopyData(c, buffer.data(), static_cast<int>(buffer.size()));
        buffer.clear();
      }
    }
    PQputCopyData(c, buffer.data(), static_cast<int>(buffer.size()));
    PQputCopyEnd(c, nullptr);
    while (PGresult* r = PQgetResult(c)) PQclear(r);
    pg_exec(c, "COMMIT");
  }
  PQfinish(c);
  state.SetItemsProcessed(state.iterations() * rows);
}

void coflow_postgres_insert_sink(benchmark::State& state) {
  const auto conninfo = pg_conninfo();
  if (!conninfo) return state.SkipWithError("COFLOW_PG_CONNINFO is not set");
  coflow::postgres::database d{*conninfo};
  cpu_meter meter{state};
  for (auto _ : state) {
    state.PauseTiming();
    d.execute("TRUNCATE coflow_bench_w");
    state.ResumeTiming();
    check_written(state, numbered_rows() | coflow::postgres::insert(
                                               d, "INSERT INTO coflow_bench_w(id, name) VALUES ($1, $2)"));
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

}  // namespace

// Interleaved, so that a noisy stretch of the machine hits every variant alike.
BENCHMARK(raw_sqlite3_step)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_query_fold)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(raw_sqlite3_step_typed_rows)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_query_fetch_many_fold)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK(raw_sqlite3_insert)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_sqlite_insert_sink)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_sqlite_prepared_execute)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(raw_libpq_copy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_postgres_insert_sink)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
