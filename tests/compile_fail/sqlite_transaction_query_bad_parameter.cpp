// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a parameter of a sqlite transaction's query: each ? takes one value.
// expect: coflow::sqlite::transaction::query: a declared column type cannot be read or a parameter type
#include <coflow/sql/sqlite.hpp>

#include <cstdint>
#include <vector>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto tx = db.begin();
#if COFLOW_MISUSE
  auto rows = tx.query<std::int64_t>("SELECT id FROM t WHERE id = ?", std::vector<int>{1, 2});
#else
  auto rows = tx.query<std::int64_t>("SELECT id FROM t WHERE id = ?", 1);
#endif
  (void)rows;
}
