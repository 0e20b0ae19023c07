// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/coflow.hpp>
#include <coflow/sql/sqlite.hpp>

#include <cstdint>
#include <string>
#include <tuple>

using namespace coflow::sql::literals;

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string{"x"}};
              });
  auto n = std::move(rows) | coflow::sqlite::insert(db, "INSERT INTO t VALUES (?, ?)"_sql);
  auto st = db.prepare<std::int64_t, std::string>("INSERT INTO t VALUES (?, ?)"_sql);
  auto tx = db.begin();
  auto in_tx = tx.prepare<std::int64_t>("DELETE FROM t WHERE id = ?");
  (void)n;
  (void)st;
  (void)in_tx;
}
