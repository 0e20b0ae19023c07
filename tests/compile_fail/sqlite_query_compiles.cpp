// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/sql/sqlite.hpp>

#include <cstdint>
#include <optional>
#include <string>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  auto q = coflow::sqlite::query<std::int64_t, std::optional<std::string>, coflow::sql::blob>(
      db, "SELECT ?, ?, ?", 1, "x", std::nullopt);
  auto b = coflow::sqlite::query<std::string>(db, "SELECT 'x'").fetch_many(10);
  db.execute("SELECT ?", std::optional<double>{});
  (void)q;
  (void)b;
}
