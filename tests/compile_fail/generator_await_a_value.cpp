// SPDX-License-Identifier: BSL-1.0
// co_await of a plain value (not a stage at all) inside a generator.
// expect: coflow::generator: co_await needs a stage (an lvalue such as a generator or coflow::from(...))
#include <coflow/coflow.hpp>

coflow::generator<int> numbers() {
#if COFLOW_MISUSE
  auto x = co_await 42;
#else
  auto one = coflow::just(42);
  auto x = co_await one;
#endif
  if (x) co_yield *x;
}

int main() {
  auto g = numbers();
  (void)g;
}
