// SPDX-License-Identifier: BSL-1.0
// to_vector of values that can be neither copied nor moved.
// expect: coflow::to_vector: the value type (T) cannot be stored in a std::vector
#include <coflow/coflow.hpp>

#include <array>
#include <mutex>

int main() {
  std::array<std::mutex, 2> locks;
#if COFLOW_MISUSE
  auto v = coflow::from(locks) | coflow::to_vector();
#else
  auto v = coflow::from(locks) | coflow::map([](std::mutex& m) { return &m; }) | coflow::to_vector();
#endif
  (void)v;
}
