// SPDX-License-Identifier: BSL-1.0
// A std::uint64_t bound as a sqlite parameter: it may not fit SQLite's signed 64-bit integer.
// expect: coflow::sqlite::database::execute: a parameter type cannot be bound
#include <coflow/sql/sqlite.hpp>

#include <cstdint>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  db.execute("SELECT ?", std::uint64_t{1});
#else
  db.execute("SELECT ?", std::int64_t{1});
#endif
}
