// SPDX-License-Identifier: BSL-1.0
// A concurrent branch must be a stage or a range.
// expect: coflow::concurrent: a branch is neither a stage nor a range
#include <coflow/stages/concurrent.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto c = coflow::concurrent(coflow::from(std::vector{1, 2}), nullptr);
#else
  auto c = coflow::concurrent(coflow::from(std::vector{1, 2}), coflow::just(3));
#endif
  (void)c;
}
