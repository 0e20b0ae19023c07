// SPDX-License-Identifier: BSL-1.0
// chunk with a compile-time size of 0.
// expect: coflow::chunk: the chunk size must be at least 1
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto c = std::vector{1} | coflow::chunk(std::integral_constant<int, 0>{});
#else
  auto c = std::vector{1} | coflow::chunk(std::integral_constant<int, 2>{});
#endif
  (void)c;
}
