// SPDX-License-Identifier: BSL-1.0
// A map whose function returns nothing.
// expect: coflow::map: the function returns void
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m =
      coflow::from(std::vector<int>{1}) | coflow::map([](int) {}) | coflow::filter([](int) { return true; });
#else
  auto m = coflow::from(std::vector<int>{1}) | coflow::map([](int i) { return i * 2; }) |
           coflow::filter([](int) { return true; });
#endif
  auto v = std::move(m) | coflow::to_vector();
  (void)v;
}
