// SPDX-License-Identifier: BSL-1.0
// scan with a function that does not take (accumulator, value).
// expect: coflow::scan: the function cannot be called with (the accumulator, the upstream value), nor with
// (the accumulator, its elements) when the value is a tuple
#include <coflow/stages/scan.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} |
           coflow::scan(0, [](int acc, const std::string& s) { return acc + static_cast<int>(s.size()); });
#else
  auto s = std::vector{1} | coflow::scan(0, [](int acc, int i) { return acc + i; });
#endif
  (void)s;
}
