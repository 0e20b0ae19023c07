// SPDX-License-Identifier: BSL-1.0
// A sqlite statement prepared with fewer parameter types than it has placeholders.
// expect: coflow::sqlite::prepare: the statement has a different number of placeholders than parameter types
#include <coflow/sql/sqlite.hpp>

#include <cstdint>

using namespace coflow::sql::literals;

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto st = db.prepare<std::int64_t>("INSERT INTO t VALUES (?, ?)"_sql);
#else
  auto st = db.prepare<std::int64_t, std::int64_t>("INSERT INTO t VALUES (?, ?)"_sql);
#endif
  (void)st;
}
