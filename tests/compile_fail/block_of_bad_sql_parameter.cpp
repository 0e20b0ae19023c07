// SPDX-License-Identifier: BSL-1.0
// A query with a parameter type SQLite cannot bind, read through block(...).
// expect: coflow::sqlite::query: a parameter type cannot be bound
#include <coflow/control/block.hpp>
#include <coflow/sql/sqlite.hpp>

#include <vector>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  for (auto row : coflow::block(coflow::sqlite::query<int>(db, "SELECT ?", std::vector<int>{1, 2})))
    (void)row;
#else
  for (auto row : coflow::block(coflow::sqlite::query<int>(db, "SELECT ?", 1))) (void)row;
#endif
}
