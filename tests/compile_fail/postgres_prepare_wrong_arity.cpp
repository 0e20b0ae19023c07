// SPDX-License-Identifier: BSL-1.0
// A postgres statement prepared with fewer parameter types than it has placeholders.
// expect: coflow::postgres::prepare: the statement has a different number of placeholders than parameter
// types
#include <coflow/sql/postgres.hpp>

#include <cstdint>

using namespace coflow::sql::literals;

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
#if COFLOW_MISUSE
  auto st = db.prepare<std::int64_t>("INSERT INTO t VALUES ($1, $2)"_sql);
#else
  auto st = db.prepare<std::int64_t, std::int64_t>("INSERT INTO t VALUES ($1, $2)"_sql);
#endif
  (void)st;
}
