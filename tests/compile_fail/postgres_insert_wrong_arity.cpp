// SPDX-License-Identifier: BSL-1.0
// expect: coflow::postgres::insert: the flow's rows have a different number of values than the statement has
// placeholders
#include <coflow/coflow.hpp>
#include <coflow/sql/postgres.hpp>

#include <cstdint>

using namespace coflow::sql::literals;

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
  // One value per row, two placeholders.
  auto n = coflow::iota(0, 3) | coflow::postgres::insert(db, "INSERT INTO t(id, name) VALUES ($1, $2)"_sql);
  (void)n;
}
