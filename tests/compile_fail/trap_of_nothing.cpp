// SPDX-License-Identifier: BSL-1.0
// trap with no exception type.
// expect: coflow::trap: name at least one exception type
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
  auto t = std::vector{1} | coflow::trap<>();
  (void)t;
}
