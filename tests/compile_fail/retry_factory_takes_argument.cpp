// SPDX-License-Identifier: BSL-1.0
// retry with a factory that needs an argument.
// expect: coflow::retry: the factory cannot be called without arguments
#include <coflow/stages/retry.hpp>

#include <chrono>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::retry(3, std::chrono::seconds{1}, [](int i) { return std::vector{i}; });
#else
  auto s = coflow::retry(3, std::chrono::seconds{1}, [] { return std::vector{1}; });
#endif
  (void)s;
}
