// SPDX-License-Identifier: BSL-1.0
// A wrong map inside a reusable closure `map(f) | filter(p)`.
// lines: 15 (the map is applied one step further from this line, inside the composed closure)
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto steps =
      coflow::map([](std::string s) { return s.size(); }) | coflow::filter([](auto) { return true; });
  auto v = std::vector{1, 2} | steps | coflow::to_vector();
#else
  auto steps = coflow::map([](int i) { return i * 2; }) | coflow::filter([](auto) { return true; });
  auto v = std::vector{1, 2} | steps | coflow::to_vector();
#endif
  (void)v;
}
