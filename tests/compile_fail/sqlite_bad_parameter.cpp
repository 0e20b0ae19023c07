// SPDX-License-Identifier: BSL-1.0
// expect: coflow::sqlite::query: a parameter type cannot be bound
#include <coflow/sql/sqlite.hpp>

#include <vector>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto q = coflow::sqlite::query<int>(db, "SELECT ?", std::vector<int>{1, 2});
  (void)q;
}
