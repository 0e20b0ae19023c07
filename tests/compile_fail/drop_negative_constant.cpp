// SPDX-License-Identifier: BSL-1.0
// drop with a negative count known at compile time.
// expect: coflow::drop: the count must not be negative
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  auto s = std::vector{1} | coflow::drop(std::integral_constant<int, -1>{});
  (void)s;
}
