// SPDX-License-Identifier: BSL-1.0
// A wrong map drawn with to_dot: only the map's sentence.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto f = std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); });
  auto dot = coflow::to_dot(f);
#else
  auto f = std::vector{1, 2} | coflow::map([](int i) { return i * 2; });
  auto dot = coflow::to_dot(f);
#endif
  (void)dot;
}
