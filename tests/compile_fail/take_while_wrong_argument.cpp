// SPDX-License-Identifier: BSL-1.0
// take_while with a predicate of another type.
// expect: coflow::take_while: the predicate cannot be called with the upstream value type, nor with its
// elements when it is a tuple
#include <coflow/stages/take_while.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::take_while([](const std::string& s) { return s.empty(); });
#else
  auto s = std::vector{1} | coflow::take_while([](int i) { return i > 0; });
#endif
  (void)s;
}
