// SPDX-License-Identifier: BSL-1.0
// concat with a branch that is neither a stage nor a range.
// expect: coflow::concat: a branch is neither a stage nor a range
#include <coflow/stages/concat.hpp>

#include <vector>

int main() {
  auto s = coflow::concat(std::vector{1}, 42);
  (void)s;
}
