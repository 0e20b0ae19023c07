// SPDX-License-Identifier: BSL-1.0
// A map whose function cannot take the upstream value type.
// expect: coflow::map: the function cannot be called with the upstream value type
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  auto m = coflow::from(std::vector<int>{1}) | coflow::map([](std::string s) { return s; });
  auto v = std::move(m) | coflow::to_vector();
  (void)v;
}
