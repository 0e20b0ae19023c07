// SPDX-License-Identifier: BSL-1.0
// A zip stage of a single branch, named directly.
// expect: coflow::zip: needs at least two branches
#include <coflow/coflow.hpp>

int main() {
#if COFLOW_MISUSE
  coflow::zip_stage<coflow::just_source<int>> z{coflow::just(1)};
#else
  auto z = coflow::zip(coflow::just(1), coflow::just(2));
#endif
  (void)z;
}
