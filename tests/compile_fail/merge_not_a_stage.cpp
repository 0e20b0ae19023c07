// SPDX-License-Identifier: BSL-1.0
// A merge branch must be a stage or a range.
// expect: coflow::merge: a branch is neither a stage nor a range
#include <coflow/stages/merge.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::merge(coflow::from(std::vector{1, 2}), 42);
#else
  auto m = coflow::merge(coflow::from(std::vector{1, 2}), coflow::just(42));
#endif
  (void)m;
}
