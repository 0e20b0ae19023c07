// SPDX-License-Identifier: BSL-1.0
// buffer with a compile-time capacity of 0.
// expect: coflow::buffer: the capacity must be at least 1
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto c = std::vector{1} | coflow::buffer(std::integral_constant<int, 0>{});
#else
  auto c = std::vector{1} | coflow::buffer(std::integral_constant<int, 2>{});
#endif
  (void)c;
}
