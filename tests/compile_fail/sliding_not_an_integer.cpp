// SPDX-License-Identifier: BSL-1.0
// sliding with a window size that is not an integer.
// expect: coflow::sliding: the window size must be an integer
#include <coflow/stages/sliding.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::sliding("2");
#else
  auto s = std::vector{1} | coflow::sliding(2);
#endif
  (void)s;
}
