// SPDX-License-Identifier: BSL-1.0
// The twin of the generator cases: the same includes, used correctly.
// expect: COMPILES
#include <coflow/coflow.hpp>

coflow::generator<int> numbers() {
  auto src = coflow::iota(0, 3);
  while (auto x = co_await src) co_yield *x;
  co_yield coflow::cooperate{};
}

int main() {
  auto g = numbers();
}
