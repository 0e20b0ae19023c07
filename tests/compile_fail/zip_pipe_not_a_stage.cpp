// SPDX-License-Identifier: BSL-1.0
// `a | zip(b)` where b is neither a stage nor a range.
// expect: coflow::zip: a branch (an argument of zip) is neither a stage nor a range
#include <coflow/coflow.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto z = std::vector{1, 2} | coflow::zip(3.5);
#else
  auto z = std::vector{1, 2} | coflow::zip(coflow::just(3.5));
#endif
  (void)z;
}
