// SPDX-License-Identifier: BSL-1.0
// drop with a negative count known at compile time.
// expect: coflow::drop: the count must not be negative
#include <coflow/stages/drop.hpp>

#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::drop(std::integral_constant<int, -1>{});
#else
  auto s = std::vector{1} | coflow::drop(std::integral_constant<int, 1>{});
#endif
  (void)s;
}
