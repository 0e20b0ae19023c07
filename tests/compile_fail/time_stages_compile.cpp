// SPDX-License-Identifier: BSL-1.0
// The twin of the timeout_*, retry_* and tee_* cases that must compile: the harness fails on
// unrelated errors.
// expect: COMPILES
#include <coflow/coflow.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

int main() {
  using namespace std::chrono_literals;
  auto s = coflow::retry(3, coflow::exponential_backoff{}, [] { return std::vector{1}; }) |
           coflow::timeout(5s) | coflow::delay(1ms) | coflow::throttle(std::chrono::microseconds{10}) |
           coflow::chunk(10, 50ms);
  auto t = coflow::retry(1, 1s, [] { return coflow::interval(1s); });
  auto [a, b] = coflow::tee<2, 8>(std::vector{1, 2});
  (void)s;
  (void)t;
  (void)a;
  (void)b;
}
