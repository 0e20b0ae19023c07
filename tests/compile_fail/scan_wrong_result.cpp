// SPDX-License-Identifier: BSL-1.0
// scan whose function returns what the accumulator cannot hold.
// expect: coflow::scan: the function's result cannot be assigned to the accumulator's type
#include <coflow/stages/scan.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::scan(0, [](int, int) { return std::string{"x"}; });
#else
  auto s = std::vector{1} | coflow::scan(std::string{}, [](std::string, int) { return std::string{"x"}; });
#endif
  (void)s;
}
