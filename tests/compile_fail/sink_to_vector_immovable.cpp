// SPDX-License-Identifier: BSL-1.0
// to_vector of values that can be neither copied nor moved.
// expect: coflow::to_vector: the value type cannot be stored in a std::vector
#include <coflow/coflow.hpp>

#include <array>
#include <mutex>

int main() {
  std::array<std::mutex, 2> locks;
  auto v = coflow::from(locks) | coflow::to_vector();
  (void)v;
}
