// SPDX-License-Identifier: BSL-1.0
// distinct_until_changed over values that cannot be compared.
// expect: coflow::distinct_until_changed: the key (the value itself by default) has no operator==
#include <coflow/stages/distinct_until_changed.hpp>

#include <vector>

int main() {
  struct point {
    int x, y;
  };
#if COFLOW_MISUSE
  auto s = std::vector{point{1, 2}} | coflow::distinct_until_changed();
#else
  auto s = std::vector{point{1, 2}} | coflow::distinct_until_changed([](const point& p) { return p.x; });
#endif
  (void)s;
}
