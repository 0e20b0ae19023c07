// SPDX-License-Identifier: BSL-1.0
// trap of a type that is not an exception class.
// expect: coflow::trap: each trapped type must be an exception class type
#include <coflow/coflow.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto t = std::vector{1} | coflow::trap<int>();
#else
  auto t = std::vector{1} | coflow::trap<std::runtime_error>();
#endif
  (void)t;
}
