// SPDX-License-Identifier: BSL-1.0
// fold whose function gives something the accumulator cannot take.
// expect: coflow::fold: the function's result cannot be assigned to the accumulator
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto n = coflow::from(std::vector<int>{1}) | coflow::fold(0, [](int, int) { return std::string{}; });
#else
  auto n = coflow::from(std::vector<int>{1}) | coflow::fold(0, [](int acc, int i) { return acc + i; });
#endif
  (void)n;
}
