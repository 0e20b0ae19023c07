// SPDX-License-Identifier: BSL-1.0
// A postgres statement prepared with a std::uint64_t parameter, which PostgreSQL has no type for.
// expect: coflow::postgres::prepare: a parameter type cannot be bound
#include <coflow/sql/postgres.hpp>

#include <cstdint>

int main() {
  coflow::postgres::database db{"host=127.0.0.1"};
#if COFLOW_MISUSE
  auto st = db.prepare<std::uint64_t>("SELECT $1");
#else
  auto st = db.prepare<std::int64_t>("SELECT $1");
#endif
  (void)st;
}
