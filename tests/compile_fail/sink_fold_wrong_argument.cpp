// SPDX-License-Identifier: BSL-1.0
// fold whose function cannot take (accumulator, value).
// expect: coflow::fold: the function (F) cannot be called with (accumulator, upstream value)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto n =
      coflow::from(std::vector<std::string>{"a"}) | coflow::fold(0, [](int acc, int i) { return acc + i; });
#else
  auto n = coflow::from(std::vector<std::string>{"a"}) |
           coflow::fold(std::size_t{0}, [](std::size_t acc, const std::string& s) { return acc + s.size(); });
#endif
  (void)n;
}
