// SPDX-License-Identifier: BSL-1.0
// distinct_until_changed with a key function of another type.
// expect: coflow::distinct_until_changed: the key function cannot be called with the upstream value type
#include <coflow/stages/distinct_until_changed.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::distinct_until_changed([](const std::string& s) { return s.size(); });
#else
  auto s = std::vector{1} | coflow::distinct_until_changed([](int i) { return i / 10; });
#endif
  (void)s;
}
