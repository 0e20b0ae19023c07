// SPDX-License-Identifier: BSL-1.0
// A filter whose predicate does not give a bool.
// expect: coflow::filter: the predicate does not return something convertible to bool
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto f = coflow::from(std::vector<int>{1}) | coflow::filter([](int i) { return std::to_string(i); });
#else
  auto f = coflow::from(std::vector<int>{1}) | coflow::filter([](int i) { return i > 0; });
#endif
  auto v = std::move(f) | coflow::to_vector();
  (void)v;
}
