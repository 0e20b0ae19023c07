// SPDX-License-Identifier: BSL-1.0
// timeout with a bare number instead of a duration.
// expect: coflow::timeout: the time must be a std::chrono::duration of at most nanosecond precision
#include <coflow/stages/timeout.hpp>

#include <chrono>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::timeout(5);
#else
  auto s = std::vector{1} | coflow::timeout(std::chrono::seconds{5});
#endif
  (void)s;
}
