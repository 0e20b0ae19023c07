// SPDX-License-Identifier: BSL-1.0
// Two values per row into a sqlite insert with one placeholder.
// expect: coflow::sqlite::insert: the flow's rows have a different number of values than the statement
#include <coflow/sources/iota.hpp>
#include <coflow/sql/sqlite.hpp>
#include <coflow/stages/map.hpp>

#include <cstdint>
#include <string>
#include <tuple>

using namespace coflow::sql::literals;

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string{"x"}};
              });
#if COFLOW_MISUSE
  auto n = std::move(rows) | coflow::sqlite::insert(db, "INSERT INTO t(id) VALUES (?)"_sql);
#else
  auto n = std::move(rows) | coflow::sqlite::insert(db, "INSERT INTO t(id, name) VALUES (?, ?)"_sql);
#endif
  (void)n;
}
