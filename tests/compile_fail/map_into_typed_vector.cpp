// SPDX-License-Identifier: BSL-1.0
// A wrong map whose collected values initialise a typed vector.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  std::vector<std::size_t> out =
      std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); }) | coflow::to_vector();
#else
  std::vector<int> out = std::vector{1, 2} | coflow::map([](int i) { return i * 2; }) | coflow::to_vector();
#endif
  (void)out;
}
