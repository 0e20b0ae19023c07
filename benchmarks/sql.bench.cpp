// SPDX-License-Identifier: BSL-1.0
// Streaming 1,000,000 (int64, text) rows out of SQLite: `sqlite::query | fold` (a worker thread
// steps the statement, rows cross an SPSC ring) against a raw sqlite3_step loop on one thread.
// Both read the same shared-cache in-memory table and compute the same thing: the sum of the
// ids and the total length of the texts.
//
//   cmake --preset release && cmake --build --preset release --target bench_sql
//   build/release/benchmarks/bench_sql --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <coflow/coflow.hpp>
#include <coflow/sql/sqlite.hpp>

#include <benchmark/benchmark.h>

#include <ctime>

#include <cstdint>
#include <cstdlib>
#include <string>
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

}  // namespace

// Interleaved, so that a noisy stretch of the machine hits every variant alike.
BENCHMARK(raw_sqlite3_step)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_query_fold)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(raw_sqlite3_step_typed_rows)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_query_fetch_many_fold)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
