// SPDX-License-Identifier: BSL-1.0
// expect: coflow::postgres::query: a declared column type cannot be read
#include <coflow/sql/postgres.hpp>

int main() {
  auto q = coflow::postgres::query<int, const char*>("", "SELECT 1, 'x'");
  (void)q;
}
