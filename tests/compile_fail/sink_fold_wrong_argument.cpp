// SPDX-License-Identifier: BSL-1.0
// fold whose function cannot take (accumulator, value).
// expect: coflow::fold: the function cannot be called with (accumulator, upstream value)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  auto n =
      coflow::from(std::vector<std::string>{"a"}) | coflow::fold(0, [](int acc, int i) { return acc + i; });
  (void)n;
}
