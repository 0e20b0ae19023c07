// SPDX-License-Identifier: BSL-1.0
// retry with a factory that returns a number.
// expect: coflow::retry: the factory returns neither a stage nor a range
#include <coflow/stages/retry.hpp>

#include <chrono>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::retry(3, std::chrono::seconds{1}, [] { return 1; });
#else
  auto s = coflow::retry(3, std::chrono::seconds{1}, [] { return std::vector{1}; });
#endif
  (void)s;
}
