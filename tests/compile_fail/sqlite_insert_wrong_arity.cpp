// SPDX-License-Identifier: BSL-1.0
// expect: coflow::sqlite::insert: the flow's rows have a different number of values than the statement has
// placeholders
#include <coflow/coflow.hpp>
#include <coflow/sql/sqlite.hpp>

#include <cstdint>
#include <string>
#include <tuple>

using namespace coflow::sql::literals;

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  // Two values per row, one placeholder.
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string{"x"}};
              });
  auto n = std::move(rows) | coflow::sqlite::insert(db, "INSERT INTO t(id) VALUES (?)"_sql);
  (void)n;
}
