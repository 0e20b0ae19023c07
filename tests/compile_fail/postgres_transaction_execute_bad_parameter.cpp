// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a parameter of a postgres transaction's statement: each $1 takes one value.
// expect: coflow::postgres::transaction::execute: a parameter type cannot be bound
#include <coflow/sql/postgres.hpp>

#include <vector>

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
  auto tx = db.begin();
#if COFLOW_MISUSE
  tx.execute("DELETE FROM t WHERE id = $1", std::vector<int>{1, 2});
#else
  tx.execute("DELETE FROM t WHERE id = $1", 1);
#endif
}
