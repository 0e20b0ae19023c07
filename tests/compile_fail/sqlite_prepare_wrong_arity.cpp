// SPDX-License-Identifier: BSL-1.0
// expect: coflow::sqlite::prepare: the statement has a different number of placeholders than parameter types
#include <coflow/sql/sqlite.hpp>

#include <cstdint>

using namespace coflow::sql::literals;

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto st = db.prepare<std::int64_t>("INSERT INTO t VALUES (?, ?)"_sql);
  (void)st;
}
