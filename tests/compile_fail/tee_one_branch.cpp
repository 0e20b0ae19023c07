// SPDX-License-Identifier: BSL-1.0
// tee with a single branch.
// expect: coflow::tee: it needs at least 2 branches and a capacity of at least 1
#include <coflow/stages/tee.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::tee<1>(std::vector{1});
#else
  auto s = coflow::tee<2>(std::vector{1});
#endif
  (void)s;
}
