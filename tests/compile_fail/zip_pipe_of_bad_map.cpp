// SPDX-License-Identifier: BSL-1.0
// A wrong map as the branch of `| zip(...)`.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto z = std::vector{3, 4} |
           coflow::zip(std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); }));
#else
  auto z = std::vector{3, 4} | coflow::zip(std::vector{1, 2} | coflow::map([](int i) { return i * 2; }));
#endif
  (void)z;
}
