// SPDX-License-Identifier: BSL-1.0
// first of values that can be neither copied nor moved.
// expect: coflow::first: the value type (T) can be neither copied nor moved
#include <coflow/coflow.hpp>

#include <array>
#include <mutex>

int main() {
  std::array<std::mutex, 2> locks;
#if COFLOW_MISUSE
  auto f = coflow::from(locks) | coflow::first();
#else
  auto f = coflow::from(locks) | coflow::map([](std::mutex& m) { return &m; }) | coflow::first();
#endif
  (void)f;
}
