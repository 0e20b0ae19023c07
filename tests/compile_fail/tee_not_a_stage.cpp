// SPDX-License-Identifier: BSL-1.0
// tee of something that is neither a stage nor a range.
// expect: coflow::tee: the upstream is neither a stage nor a range
#include <coflow/stages/tee.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::tee<2>(42);
#else
  auto s = coflow::tee<2>(std::vector{42});
#endif
  (void)s;
}
