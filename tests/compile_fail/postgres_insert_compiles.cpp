// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/coflow.hpp>
#include <coflow/sql/postgres.hpp>

#include <cstdint>
#include <string>
#include <tuple>

using namespace coflow::sql::literals;

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string{"x"}};
              });
  auto n =
      std::move(rows) | coflow::postgres::insert(db, "INSERT INTO t(id, name) VALUES ($1, $2::text)"_sql);
  auto st = db.prepare<std::int64_t, std::string>("INSERT INTO t VALUES ($1, $2)"_sql);
  (void)n;
  (void)st;
}
