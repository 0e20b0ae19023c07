// SPDX-License-Identifier: BSL-1.0
// A wrong fold whose result initialises a typed variable.
// expect: coflow::fold: the function (F) cannot be called with (accumulator, upstream value) of types (Acc,
// T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  int total =
      std::vector{1, 2} | coflow::fold(0, [](int a, const std::string& s) { return a + int(s.size()); });
#else
  int total = std::vector{1, 2} | coflow::fold(0, [](int a, int i) { return a + i; });
#endif
  (void)total;
}
