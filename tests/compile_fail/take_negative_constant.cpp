// SPDX-License-Identifier: BSL-1.0
// take with a negative count known at compile time.
// expect: coflow::take: the count must not be negative
#include <coflow/coflow.hpp>

#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto t = std::vector{1} | coflow::take(std::integral_constant<int, -1>{});
#else
  auto t = std::vector{1} | coflow::take(std::integral_constant<int, 1>{});
#endif
  (void)t;
}
