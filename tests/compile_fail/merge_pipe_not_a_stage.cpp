// SPDX-License-Identifier: BSL-1.0
// `a | merge(b)`: b is checked where merge(b) is written.
// expect: coflow::merge: a branch is neither a stage nor a range
#include <coflow/stages/merge.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::from(std::vector{1, 2}) | coflow::merge(3.5);
#else
  auto m = coflow::from(std::vector{1, 2}) | coflow::merge(coflow::just(3));
#endif
  (void)m;
}
