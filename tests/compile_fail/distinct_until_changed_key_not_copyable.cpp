// SPDX-License-Identifier: BSL-1.0
// distinct_until_changed over move-only values, which it would have to copy.
// expect: coflow::distinct_until_changed: the key (the value itself by default) cannot be copied
#include <coflow/stages/distinct_until_changed.hpp>

#include <memory>
#include <vector>

int main() {
  std::vector<std::unique_ptr<int>> v;
#if COFLOW_MISUSE
  auto s = std::move(v) | coflow::distinct_until_changed();
#else
  auto s = std::move(v) | coflow::distinct_until_changed([](const std::unique_ptr<int>& p) { return *p; });
#endif
  (void)s;
}
