// SPDX-License-Identifier: BSL-1.0
// sqlite_report: a report over 100,000 rows, computed while the same scheduler keeps a
// heartbeat going.
//
// `sqlite::query` steps the statement on a worker thread and hands the rows over through a
// lock-free ring; the scheduler's thread only takes rows that are already there, and parks the
// flow (it costs nothing) when none are. So SQLite never blocks the scheduler: the heartbeat,
// a second flow on the same thread, keeps beating while the report is computed. The program
// prints the heartbeats it saw during the query and the longest gap between two of them, and
// fails (exit 1) if no heartbeat got through while the query ran.
#include <coflow/coflow.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sql/sqlite.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <tuple>

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct totals {
  std::int64_t orders = 0;
  double amount = 0;
};

struct heartbeat_log {
  bool report_done = false;
  int beats = 0;
  clock_type::duration longest_gap{};
};

// A second flow on the scheduler: beats every millisecond until the report is done.
coflow::generator<int> heartbeat(heartbeat_log& log) {
  auto last = clock_type::now();
  while (!log.report_done) {
    auto now = clock_type::now();
    log.longest_gap = std::max(log.longest_gap, now - last);
    last = now;
    if (++log.beats % 10 == 0) std::cout << "heartbeat " << log.beats << '\n';
    co_yield coflow::cooperate{1ms};
  }
}

int main() {
  coflow::sqlite::database db{"file:sqlite_report?mode=memory&cache=shared"};
  db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL NOT NULL)");
  db.execute(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
      "INSERT INTO orders SELECT i, 'customer ' || (i % 97), (i % 1000) / 10.0 FROM n",
      100'000);

  coflow::scheduler sched;
  heartbeat_log log;

  // Orders of at least 50.00 from customers whose number is odd, with 20% tax added.
  auto rows = coflow::sqlite::query<std::int64_t, std::string, double>(
      db, "SELECT id, customer, amount FROM orders WHERE amount >= ?", 50.0);
  auto report = sched.spawn(
      std::move(rows) | coflow::map([](const std::tuple<std::int64_t, std::string, double>& row) {
        const auto& [id, customer, amount] = row;
        return std::pair{std::stoi(customer.substr(customer.find(' ') + 1)), amount * 1.2};
      }) | coflow::filter([](const std::pair<int, double>& order) { return order.first % 2 == 1; }),
      coflow::fold(totals{}, [](totals t, const std::pair<int, double>& order) {
        ++t.orders;
        t.amount += order.second;
        return t;
      }));

  const auto start = clock_type::now();
  int beats_at_end = 0;
  report.then([&](const totals& t) {
    log.report_done = true;
    beats_at_end = log.beats;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count();
    std::printf("report: %lld orders, %.2f with tax, in %lld ms\n", static_cast<long long>(t.orders),
                t.amount, static_cast<long long>(ms));
  });
  report.on_error([&](const coflow::failure& f) {
    log.report_done = true;
    std::cerr << "report failed: " << f.message() << '\n';
  });
  sched.spawn(heartbeat(log));
  sched.run();

  if (report.failed()) return 1;
  std::printf("heartbeats while the query ran: %d; longest gap between two: %.1f ms\n", beats_at_end,
              std::chrono::duration<double, std::milli>(log.longest_gap).count());
  return beats_at_end > 0 ? 0 : 1;
}
