// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <functional>

int main() {
  const int sum =
      coflow::iota(1, 11) | coflow::filter([](int x) { return x % 2 == 0; }) | coflow::fold(0, std::plus<>{});
  return sum == 30 ? 0 : 1;
}
