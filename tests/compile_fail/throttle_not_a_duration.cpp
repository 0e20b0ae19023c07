// SPDX-License-Identifier: BSL-1.0
// throttle with a bare number instead of a duration.
// expect: coflow::throttle: the time must be a std::chrono::duration of at most nanosecond precision
#include <coflow/stages/throttle.hpp>

#include <chrono>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::throttle(5);
#else
  auto s = std::vector{1} | coflow::throttle(std::chrono::milliseconds{5});
#endif
  (void)s;
}
