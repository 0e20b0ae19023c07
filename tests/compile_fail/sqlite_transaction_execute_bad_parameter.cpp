// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a parameter of a sqlite transaction's statement: each ? takes one value.
// expect: coflow::sqlite::transaction::execute: a parameter type cannot be bound
#include <coflow/sql/sqlite.hpp>

#include <vector>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto tx = db.begin();
#if COFLOW_MISUSE
  tx.execute("DELETE FROM t WHERE id = ?", std::vector<int>{1, 2});
#else
  tx.execute("DELETE FROM t WHERE id = ?", 1);
#endif
}
