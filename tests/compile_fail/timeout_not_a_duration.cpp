// SPDX-License-Identifier: BSL-1.0
// timeout with a bare number instead of a duration.
// expect: coflow::timeout: the time must be a std::chrono::duration of at most nanosecond precision (write
// 5s, not 5)
#include <coflow/stages/timeout.hpp>

#include <vector>

int main() {
  auto s = std::vector{1} | coflow::timeout(5);
  (void)s;
}
