// SPDX-License-Identifier: BSL-1.0
// retry with a backoff that is neither a duration nor a function giving one.
// expect: coflow::retry: the backoff is neither a duration nor a function of the retry number giving one
#include <coflow/stages/retry.hpp>

#include <chrono>
#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::retry(3, std::string{"1s"}, [] { return std::vector{1}; });
#else
  auto s = coflow::retry(3, std::chrono::seconds{1}, [] { return std::vector{1}; });
#endif
  (void)s;
}
