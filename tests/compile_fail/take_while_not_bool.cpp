// SPDX-License-Identifier: BSL-1.0
// take_while with a predicate that returns no bool.
// expect: coflow::take_while: the predicate does not return something convertible to bool
#include <coflow/stages/take_while.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::take_while([](int) { return std::string{"yes"}; });
#else
  auto s = std::vector{1} | coflow::take_while([](int i) { return i > 0; });
#endif
  (void)s;
}
