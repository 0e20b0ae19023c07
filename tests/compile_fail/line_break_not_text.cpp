// SPDX-License-Identifier: BSL-1.0
// line_break over values that are not text.
// expect: coflow::line_break: the upstream value type is not text
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto l = std::vector{1, 2} | coflow::line_break();
#else
  auto l = std::vector<std::string>{"a\nb", "c"} | coflow::line_break();
#endif
  (void)l;
}
