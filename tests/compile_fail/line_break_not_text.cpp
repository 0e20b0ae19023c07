// SPDX-License-Identifier: BSL-1.0
// line_break over values that are not text.
// expect: coflow::line_break: the upstream value type is not text
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
  auto l = std::vector{1, 2} | coflow::line_break();
  (void)l;
}
