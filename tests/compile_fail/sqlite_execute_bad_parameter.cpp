// SPDX-License-Identifier: BSL-1.0
// expect: coflow::sqlite::database::execute: a parameter type cannot be bound
#include <coflow/sql/sqlite.hpp>

#include <cstdint>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  db.execute("SELECT ?", std::uint64_t{1});  // may not fit SQLite's signed 64-bit integer
}
