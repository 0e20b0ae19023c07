// SPDX-License-Identifier: BSL-1.0
// drop_while with a predicate of another type.
// expect: coflow::drop_while: the predicate cannot be called with the upstream value type, nor with its
// elements when it is a tuple
#include <coflow/stages/drop_while.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::drop_while([](const std::string& s) { return s.empty(); });
#else
  auto s = std::vector{1} | coflow::drop_while([](int i) { return i == 0; });
#endif
  (void)s;
}
