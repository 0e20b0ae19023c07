// SPDX-License-Identifier: BSL-1.0
// expect: coflow::sqlite::insert: the flow's values cannot be written as rows
#include <coflow/coflow.hpp>
#include <coflow/sql/sqlite.hpp>

#include <cstdint>
#include <string_view>
#include <tuple>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
  // A std::string_view could point at memory gone by the time the writer thread binds it.
  auto rows = coflow::iota(0, 3) | coflow::map([](int i) {
                return std::tuple{std::int64_t{i}, std::string_view{"x"}};
              });
  auto n = std::move(rows) | coflow::sqlite::insert(db, "INSERT INTO t VALUES (?, ?)");
  (void)n;
}
