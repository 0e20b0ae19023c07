// SPDX-License-Identifier: BSL-1.0
// trap of a type that is not an exception class.
// expect: coflow::trap: each trapped type must be an exception class type
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
  auto t = std::vector{1} | coflow::trap<int>();
  (void)t;
}
