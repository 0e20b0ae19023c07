// SPDX-License-Identifier: BSL-1.0
// A wrong map as a branch of merge(...).
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::merge(std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); }),
                         std::vector{3, 4});
#else
  auto m = coflow::merge(std::vector{1, 2} | coflow::map([](int i) { return i * 2; }), std::vector{3, 4});
#endif
  (void)m;
}
