// SPDX-License-Identifier: BSL-1.0
// drop with a count that is not an integer.
// expect: coflow::drop: the count must be an integer
#include <coflow/stages/drop.hpp>

#include <string>
#include <vector>

int main() {
  auto s = std::vector{1} | coflow::drop(1.5);
  (void)s;
}
