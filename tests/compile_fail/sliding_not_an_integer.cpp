// SPDX-License-Identifier: BSL-1.0
// sliding with a window size that is not an integer.
// expect: coflow::sliding: the window size must be an integer
#include <coflow/stages/sliding.hpp>

#include <string>
#include <vector>

int main() {
  auto s = std::vector{1} | coflow::sliding("2");
  (void)s;
}
