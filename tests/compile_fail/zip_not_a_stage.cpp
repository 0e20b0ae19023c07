// SPDX-License-Identifier: BSL-1.0
// zip of something that is neither a stage nor a range.
// expect: coflow::zip: a branch (an argument of zip) is neither a stage nor a range
#include <coflow/coflow.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto z = coflow::zip(std::vector{1, 2}, 42);
#else
  auto z = coflow::zip(std::vector{1, 2}, coflow::just(42));
#endif
  (void)z;
}
