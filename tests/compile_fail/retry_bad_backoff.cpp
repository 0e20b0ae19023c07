// SPDX-License-Identifier: BSL-1.0
// retry with a backoff that is neither a duration nor a function giving one.
// expect: coflow::retry: the backoff is neither a duration nor a function of the retry number giving one
#include <coflow/stages/retry.hpp>

#include <string>
#include <vector>

int main() {
  auto s = coflow::retry(3, std::string{"1s"}, [] { return std::vector{1}; });
  (void)s;
}
