// SPDX-License-Identifier: BSL-1.0
// sqlite_report_graph: prints the graph of sqlite_report's flow in Graphviz form
// (scripts/render_graphs.sh turns it into docs/graphs/sqlite_report.png).
//
// The flow is built as in sqlite_report.cpp (keep the two in step): a typed query that runs on
// a worker thread, a map and a filter, folded into totals. Building it runs nothing.
#include <coflow/coflow.hpp>
#include <coflow/introspection/describe.hpp>
#include <coflow/introspection/to_dot.hpp>
#include <coflow/sql/sqlite.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <tuple>
#include <utility>

struct totals {
  std::int64_t orders = 0;
  double amount = 0;
};

int main() {
  coflow::sqlite::database db{"file:sqlite_report_graph?mode=memory&cache=shared"};
  db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL NOT NULL)");

  auto rows = coflow::sqlite::query<std::int64_t, std::string, double>(
      db, "SELECT id, customer, amount FROM orders WHERE amount >= ?", 50.0);
  auto flow = std::move(rows) | coflow::map([](const std::tuple<std::int64_t, std::string, double>& row) {
                const auto& [id, customer, amount] = row;
                return std::pair{std::stoi(customer.substr(customer.find(' ') + 1)), amount * 1.2};
              }) |
              coflow::filter([](const std::pair<int, double>& order) { return order.first % 2 == 1; });
  auto sum = coflow::fold(totals{}, [](totals t, const std::pair<int, double>& order) {
    ++t.orders;
    t.amount += order.second;
    return t;
  });

  std::cout << "// " << coflow::describe(flow, sum) << '\n';
  std::cout << coflow::to_dot(flow, sum,
                              {.graph_name = "sqlite_report",
                               .label = "sqlite_report: a query on a worker thread, folded on the scheduler",
                               .legend = true});
}
