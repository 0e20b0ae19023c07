// SPDX-License-Identifier: BSL-1.0
// drop_while with a predicate that returns no bool.
// expect: coflow::drop_while: the predicate does not return something convertible to bool
#include <coflow/stages/drop_while.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::drop_while([](int) { return std::string{"yes"}; });
#else
  auto s = std::vector{1} | coflow::drop_while([](int i) { return i > 0; });
#endif
  (void)s;
}
