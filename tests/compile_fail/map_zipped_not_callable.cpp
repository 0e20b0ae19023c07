// SPDX-License-Identifier: BSL-1.0
// map(f, a, b) where f cannot take the zipped value types.
// expect: coflow::map: the function (F) cannot be called with the zipped value types
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::map([](int, int) { return 0; }, std::vector{1}, std::vector<std::string>{"x"});
#else
  auto m =
      coflow::map([](int, const std::string&) { return 0; }, std::vector{1}, std::vector<std::string>{"x"});
#endif
  (void)m;
}
