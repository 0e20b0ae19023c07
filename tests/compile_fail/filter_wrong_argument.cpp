// SPDX-License-Identifier: BSL-1.0
// A filter whose predicate cannot take the upstream value type.
// expect: coflow::filter: the predicate (P) cannot be called with the upstream value type (T), nor with its
// elements when T is a tuple
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto f = coflow::from(std::vector<int>{1}) | coflow::filter([](const std::string& s) { return s.empty(); });
#else
  auto f = coflow::from(std::vector<int>{1}) | coflow::filter([](int i) { return i > 0; });
#endif
  auto v = std::move(f) | coflow::to_vector();
  (void)v;
}
