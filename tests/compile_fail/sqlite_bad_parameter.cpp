// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a sqlite query parameter: each ? takes one value.
// expect: coflow::sqlite::query: a parameter type cannot be bound
#include <coflow/sql/sqlite.hpp>

#include <vector>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto q = coflow::sqlite::query<int>(db, "SELECT ?", std::vector<int>{1, 2});
#else
  auto q = coflow::sqlite::query<int>(db, "SELECT ?", 1);
#endif
  (void)q;
}
