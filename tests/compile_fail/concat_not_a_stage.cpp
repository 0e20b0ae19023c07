// SPDX-License-Identifier: BSL-1.0
// concat with a branch that is neither a stage nor a range.
// expect: coflow::concat: a branch is neither a stage nor a range
#include <coflow/stages/concat.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::concat(std::vector{1}, 42);
#else
  auto s = coflow::concat(std::vector{1}, std::vector{42});
#endif
  (void)s;
}
