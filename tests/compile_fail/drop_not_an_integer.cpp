// SPDX-License-Identifier: BSL-1.0
// drop with a count that is not an integer.
// expect: coflow::drop: the count must be an integer
#include <coflow/stages/drop.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::drop(1.5);
#else
  auto s = std::vector{1} | coflow::drop(1);
#endif
  (void)s;
}
