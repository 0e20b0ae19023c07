// SPDX-License-Identifier: BSL-1.0
// A postgres column read as a const char*, which would point into a result that is gone at the next row.
// expect: coflow::postgres::query: a declared column type cannot be read
#include <coflow/sql/postgres.hpp>

#include <string>

int main() {
#if COFLOW_MISUSE
  auto q = coflow::postgres::query<int, const char*>("", "SELECT 1, 'x'");
#else
  auto q = coflow::postgres::query<int, std::string>("", "SELECT 1, 'x'");
#endif
  (void)q;
}
