// SPDX-License-Identifier: BSL-1.0
// expect: coflow::postgres::query: a parameter type cannot be bound
#include <coflow/sql/postgres.hpp>

struct point {
  int x, y;
};

int main() {
  auto q = coflow::postgres::query<int>("", "SELECT $1", point{1, 2});
  (void)q;
}
