// SPDX-License-Identifier: BSL-1.0
// trap with no exception type.
// expect: coflow::trap: name at least one exception type
#include <coflow/coflow.hpp>

#include <exception>
#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto t = std::vector{1} | coflow::trap<>();
#else
  auto t = std::vector{1} | coflow::trap<std::exception>();
#endif
  (void)t;
}
