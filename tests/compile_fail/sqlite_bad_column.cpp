// SPDX-License-Identifier: BSL-1.0
// expect: coflow::sqlite::query: a declared column type cannot be read
#include <coflow/sql/sqlite.hpp>

#include <string_view>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  // A std::string_view would point into SQLite's buffer, gone at the next row.
  auto q = coflow::sqlite::query<int, std::string_view>(db, "SELECT 1, 'x'");
  (void)q;
}
