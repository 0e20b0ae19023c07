// SPDX-License-Identifier: BSL-1.0
// zip of something that is neither a stage nor a range.
// expect: coflow::zip: a branch (an argument of zip) is neither a stage nor a range
#include <coflow/coflow.hpp>

#include <vector>

int main() {
  auto z = coflow::zip(std::vector{1, 2}, 42);
  (void)z;
}
