// SPDX-License-Identifier: BSL-1.0
// to_vector<V> of values that cannot become a V.
// expect: coflow::to_vector<V>: the upstream value type cannot be converted to V
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  auto v = coflow::from(std::vector<int>{1}) | coflow::to_vector<std::string>();
  (void)v;
}
