// SPDX-License-Identifier: BSL-1.0
// map(f, a, b) where b is neither a stage nor a range.
// expect: coflow::map: an argument after the function is neither a stage nor a range
#include <coflow/coflow.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::map([](int a, int b) { return a + b; }, std::vector{1}, 2);
#else
  auto m = coflow::map([](int a, int b) { return a + b; }, std::vector{1}, std::vector{2});
#endif
  (void)m;
}
