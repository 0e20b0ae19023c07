// SPDX-License-Identifier: BSL-1.0
// chunk with a size that is not an integer.
// expect: coflow::chunk: the chunk size must be an integer
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto c = std::vector{1} | coflow::chunk("2");
#else
  auto c = std::vector{1} | coflow::chunk(2);
#endif
  (void)c;
}
