// SPDX-License-Identifier: BSL-1.0
// take with a count that is not an integer.
// expect: coflow::take: the count must be an integer
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto t = std::vector{1} | coflow::take(2.5);
#else
  auto t = std::vector{1} | coflow::take(2);
#endif
  (void)t;
}
