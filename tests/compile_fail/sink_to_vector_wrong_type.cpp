// SPDX-License-Identifier: BSL-1.0
// to_vector<V> of values that cannot become a V.
// expect: coflow::to_vector<V>: the upstream value type (T) cannot be converted to V
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto v = coflow::from(std::vector<int>{1}) | coflow::to_vector<std::string>();
#else
  auto v = coflow::from(std::vector<int>{1}) | coflow::map([](int i) { return std::to_string(i); }) |
           coflow::to_vector<std::string>();
#endif
  (void)v;
}
