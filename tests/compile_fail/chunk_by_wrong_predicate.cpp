// SPDX-License-Identifier: BSL-1.0
// chunk_by with a function of neither one nor two upstream values.
// expect: coflow::chunk_by: the predicate cannot be called with two upstream values (nor the key function
#include <coflow/stages/chunk_by.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s =
      std::vector{1} | coflow::chunk_by([](const std::string& a, const std::string& b) { return a == b; });
#else
  auto s = std::vector{1} | coflow::chunk_by([](int a, int b) { return a == b; });
#endif
  (void)s;
}
