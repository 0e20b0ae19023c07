// SPDX-License-Identifier: BSL-1.0
// One value per row into a postgres insert with two placeholders.
// expect: coflow::postgres::insert: the flow's rows have a different number of values than the statement
#include <coflow/sources/iota.hpp>
#include <coflow/sql/postgres.hpp>

using namespace coflow::sql::literals;

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
#if COFLOW_MISUSE
  auto n = coflow::iota(0, 3) | coflow::postgres::insert(db, "INSERT INTO t(id, name) VALUES ($1, $2)"_sql);
#else
  auto n = coflow::iota(0, 3) | coflow::postgres::insert(db, "INSERT INTO t(id) VALUES ($1)"_sql);
#endif
  (void)n;
}
