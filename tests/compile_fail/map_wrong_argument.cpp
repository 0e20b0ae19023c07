// SPDX-License-Identifier: BSL-1.0
// A map whose function cannot take the upstream value type.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T), nor with its
// elements when T is a tuple
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto m = coflow::from(std::vector<int>{1}) | coflow::map([](std::string s) { return s; });
#else
  auto m = coflow::from(std::vector<int>{1}) | coflow::map([](int i) { return std::to_string(i); });
#endif
  auto v = std::move(m) | coflow::to_vector();
  (void)v;
}
