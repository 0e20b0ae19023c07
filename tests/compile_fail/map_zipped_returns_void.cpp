// SPDX-License-Identifier: BSL-1.0
// map(f, a, b) where f returns nothing.
// expect: coflow::map: the function returns void; a map must give a value
#include <coflow/coflow.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::map([](int, int) {}, std::vector{1}, std::vector{2});
#else
  auto m = coflow::map([](int a, int b) { return a + b; }, std::vector{1}, std::vector{2});
#endif
  (void)m;
}
