// SPDX-License-Identifier: BSL-1.0
// A std::string_view in a row to insert could dangle by the time the writer thread binds it.
// expect: coflow::sqlite::insert: the flow's values cannot be written as rows
#include <coflow/sources/iota.hpp>
#include <coflow/sql/sqlite.hpp>
#include <coflow/stages/map.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string_view{"x"}};
              });
#else
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string{"x"}};
              });
#endif
  auto n = std::move(rows) | coflow::sqlite::insert(db, "INSERT INTO t VALUES (?, ?)");
  (void)n;
}
