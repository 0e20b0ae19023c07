// SPDX-License-Identifier: BSL-1.0
// co_await of something that is not a stage (a plain vector) inside a generator.
// expect: coflow::generator: co_await needs a stage
#include <coflow/coflow.hpp>

#include <vector>

coflow::generator<int> numbers() {
#if COFLOW_MISUSE
  std::vector<int> v{1, 2};
  while (auto x = co_await v) co_yield *x;
#else
  auto v = coflow::from(std::vector<int>{1, 2});
  while (auto x = co_await v) co_yield *x;
#endif
}

int main() {
  auto g = numbers();
}
