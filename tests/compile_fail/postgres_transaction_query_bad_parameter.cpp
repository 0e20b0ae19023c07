// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a parameter of a postgres transaction's query: each $1 takes one value.
// expect: coflow::postgres::transaction::query: a declared column type cannot be read or a parameter type
#include <coflow/sql/postgres.hpp>

#include <cstdint>
#include <vector>

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
  auto tx = db.begin();
#if COFLOW_MISUSE
  auto rows = tx.query<std::int64_t>("SELECT id FROM t WHERE id = $1", std::vector<int>{1, 2});
#else
  auto rows = tx.query<std::int64_t>("SELECT id FROM t WHERE id = $1", 1);
#endif
  (void)rows;
}
