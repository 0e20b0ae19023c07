// SPDX-License-Identifier: BSL-1.0
// A struct bound as a postgres query parameter: bind its members one by one.
// expect: coflow::postgres::query: a parameter type cannot be bound
#include <coflow/sql/postgres.hpp>

struct point {
  int x, y;
};

int main() {
  point p{1, 2};
#if COFLOW_MISUSE
  auto q = coflow::postgres::query<int>("", "SELECT $1", p);
#else
  auto q = coflow::postgres::query<int, int>("", "SELECT $1, $2", p.x, p.y);
#endif
  (void)q;
}
