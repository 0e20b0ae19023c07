// SPDX-License-Identifier: BSL-1.0
// tee over move-only values, which each branch would need a copy of.
// expect: coflow::tee: each branch gets a copy, and the value type cannot be copied
#include <coflow/stages/tee.hpp>

#include <memory>
#include <vector>

int main() {
#if COFLOW_MISUSE
  std::vector<std::unique_ptr<int>> v;
  auto s = coflow::tee<2>(std::move(v));
#else
  std::vector<std::shared_ptr<int>> v;
  auto s = coflow::tee<2>(std::move(v));
#endif
  (void)s;
}
