// SPDX-License-Identifier: BSL-1.0
// co_await of a temporary stage: it would restart on every pull.
// expect: coflow::generator: co_await needs a stage held in a variable
#include <coflow/coflow.hpp>

coflow::generator<int> numbers() {
#if COFLOW_MISUSE
  while (auto x = co_await coflow::iota(0, 3)) co_yield *x;
#else
  auto numbers = coflow::iota(0, 3);
  while (auto x = co_await numbers) co_yield *x;
#endif
}

int main() {
  auto g = numbers();
}
