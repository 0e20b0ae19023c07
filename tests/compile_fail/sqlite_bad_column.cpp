// SPDX-License-Identifier: BSL-1.0
// A sqlite column read as a std::string_view, which would point into SQLite's buffer, gone at the next row.
// expect: coflow::sqlite::query: a declared column type cannot be read
#include <coflow/sql/sqlite.hpp>

#include <string>
#include <string_view>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto q = coflow::sqlite::query<int, std::string_view>(db, "SELECT 1, 'x'");
#else
  auto q = coflow::sqlite::query<int, std::string>(db, "SELECT 1, 'x'");
#endif
  (void)q;
}
