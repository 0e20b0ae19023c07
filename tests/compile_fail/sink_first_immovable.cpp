// SPDX-License-Identifier: BSL-1.0
// first of values that can be neither copied nor moved.
// expect: coflow::first: the value type can be neither copied nor moved
#include <coflow/coflow.hpp>

#include <array>
#include <mutex>

int main() {
  std::array<std::mutex, 2> locks;
  auto f = coflow::from(locks) | coflow::first();
  (void)f;
}
