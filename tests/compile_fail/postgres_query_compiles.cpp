// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/sql/postgres.hpp>

#include <cstdint>
#include <optional>
#include <string>

int main() {
  auto q = coflow::postgres::query<std::int64_t, std::optional<std::string>, bool>("", "SELECT $1, $2, $3", 1,
                                                                                   "x", true);
  auto b = coflow::postgres::query<double>("", "SELECT 1.5").fetch_many(10);
  (void)q;
  (void)b;
}
