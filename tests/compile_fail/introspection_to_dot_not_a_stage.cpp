// SPDX-License-Identifier: BSL-1.0
// expect: coflow::to_dot: the argument is not a stage
#include <coflow/introspection/to_dot.hpp>

int main() {
  auto dot = coflow::to_dot(42);
  (void)dot;
}
