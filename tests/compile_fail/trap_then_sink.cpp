// SPDX-License-Identifier: BSL-1.0
// A wrong trap<int>() followed by a sink.
// expect: coflow::trap: each trapped type must be an exception class type
#include <coflow/coflow.hpp>

#include <stdexcept>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto v = std::vector{1, 2} | coflow::trap<int>() | coflow::to_vector();
#else
  auto v = std::vector{1, 2} | coflow::trap<std::runtime_error>() | coflow::to_vector();
#endif
  (void)v;
}
