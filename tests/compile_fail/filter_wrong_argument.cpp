// SPDX-License-Identifier: BSL-1.0
// A filter whose predicate cannot take the upstream value type.
// expect: coflow::filter: the predicate cannot be called with the upstream value type
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  auto f = coflow::from(std::vector<int>{1}) | coflow::filter([](const std::string& s) { return s.empty(); });
  auto v = std::move(f) | coflow::to_vector();
  (void)v;
}
