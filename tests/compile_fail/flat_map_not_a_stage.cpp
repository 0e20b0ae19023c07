// SPDX-License-Identifier: BSL-1.0
// flat_map with a function that returns a number.
// expect: coflow::flat_map: the function returns neither a stage nor a range
#include <coflow/stages/flat_map.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::flat_map([](int x) { return x * 2; });
#else
  auto s = std::vector{1} | coflow::flat_map([](int x) { return std::vector{x, x * 2}; });
#endif
  (void)s;
}
