// SPDX-License-Identifier: BSL-1.0
// drop with a negative count known at compile time.
// expect: coflow::drop: the count must not be negative
#include <coflow/stages/drop.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
  auto s = std::vector{1} | coflow::drop(std::integral_constant<int, -1>{});
  (void)s;
}
