// SPDX-License-Identifier: BSL-1.0
// postgres_report: rows written with the COPY-backed insert sink, then read back with a query
// whose rows cross from a worker thread, summed per group on the flow's thread.
//
//     postgres_report "host=127.0.0.1 port=5432 dbname=app"
//
// Without an argument it reads COFLOW_PG_CONNINFO (which the test command's PostgreSQL sets),
// and exits with 77 ("skipped") when neither is there; 1 when a row went missing.
#include <coflow/coflow.hpp>
#include <coflow/sql/postgres.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <tuple>

int main(int argc, char** argv) {
  const char* conninfo = argc > 1 ? argv[1] : std::getenv("COFLOW_PG_CONNINFO");
  if (conninfo == nullptr) {
    std::cerr << "postgres_report: no connection string (argument or COFLOW_PG_CONNINFO)\n";
    return 77;
  }
  coflow::postgres::database db{conninfo};
  db.execute(
      "CREATE TEMP TABLE IF NOT EXISTS coflow_example_orders(id BIGINT, customer TEXT, amount DOUBLE "
      "PRECISION)");
  db.execute("TRUNCATE coflow_example_orders");

  // 10,000 rows: (id, customer, amount), written in transactions of up to 1,000 rows.
  auto rows = coflow::iota(std::int64_t{0}, std::int64_t{10'000}) | coflow::map([](std::int64_t i) {
                return std::tuple{i, "customer " + std::to_string(i % 3), static_cast<double>(i % 100)};
              });
  auto written = std::move(rows) |
                 coflow::postgres::insert(
                     db, "INSERT INTO coflow_example_orders(id, customer, amount) VALUES ($1, $2, $3)");
  std::cout << "written: " << written << '\n';

  auto totals =
      coflow::postgres::query<std::string, double>(db, "SELECT customer, amount FROM coflow_example_orders") |
      coflow::fold(std::map<std::string, double>{}, [](auto acc, std::tuple<std::string, double> row) {
        acc[std::get<0>(row)] += std::get<1>(row);
        return acc;
      });
  double all = 0;
  for (auto& [customer, total] : totals) {
    std::cout << customer << ": " << total << '\n';
    all += total;
  }
  // The check that makes this example a test: every row written and read back.
  return written == 10'000 && all == 495'000 ? 0 : 1;
}
