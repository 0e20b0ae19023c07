// SPDX-License-Identifier: BSL-1.0
// A sqlite statement prepared with a std::uint64_t parameter, which SQLite cannot store whole.
// expect: coflow::sqlite::prepare: a parameter type cannot be bound
#include <coflow/sql/sqlite.hpp>

#include <cstdint>

int main() {
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto st = db.prepare<std::uint64_t>("SELECT ?");
#else
  auto st = db.prepare<std::int64_t>("SELECT ?");
#endif
  (void)st;
}
