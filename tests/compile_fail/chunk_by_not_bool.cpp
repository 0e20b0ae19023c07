// SPDX-License-Identifier: BSL-1.0
// chunk_by with a predicate that returns no bool.
// expect: coflow::chunk_by: the predicate does not return something convertible to bool
#include <coflow/stages/chunk_by.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::chunk_by([](int, int) { return std::string{"yes"}; });
#else
  auto s = std::vector{1} | coflow::chunk_by([](int a, int b) { return a == b; });
#endif
  (void)s;
}
