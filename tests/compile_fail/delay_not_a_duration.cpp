// SPDX-License-Identifier: BSL-1.0
// delay with a bare number instead of a duration.
// expect: coflow::delay: the time must be a std::chrono::duration of at most nanosecond precision
#include <coflow/stages/delay.hpp>

#include <chrono>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::delay(5);
#else
  auto s = std::vector{1} | coflow::delay(std::chrono::milliseconds{5});
#endif
  (void)s;
}
