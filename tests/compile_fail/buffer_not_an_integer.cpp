// SPDX-License-Identifier: BSL-1.0
// buffer with a capacity that is not an integer.
// expect: coflow::buffer: the capacity must be an integer
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto c = std::vector{1} | coflow::buffer(2.5);
#else
  auto c = std::vector{1} | coflow::buffer(2);
#endif
  (void)c;
}
