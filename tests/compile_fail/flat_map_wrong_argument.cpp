// SPDX-License-Identifier: BSL-1.0
// flat_map with a function of another type.
// expect: coflow::flat_map: the function cannot be called with the upstream value type
#include <coflow/stages/flat_map.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::flat_map([](const std::string& s) { return std::vector{s, s}; });
#else
  auto s = std::vector{1} | coflow::flat_map([](int x) { return std::vector{x, x}; });
#endif
  (void)s;
}
