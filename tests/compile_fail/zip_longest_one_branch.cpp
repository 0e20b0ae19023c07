// SPDX-License-Identifier: BSL-1.0
// A zip_longest stage of a single branch, named directly.
// expect: coflow::zip_longest: needs at least two branches
#include <coflow/coflow.hpp>

int main() {
#if COFLOW_MISUSE
  coflow::zip_longest_stage<coflow::just_source<int>> z{coflow::just(1)};
#else
  auto z = coflow::zip_longest(coflow::just(1), coflow::just(2));
#endif
  (void)z;
}
