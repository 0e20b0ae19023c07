// SPDX-License-Identifier: BSL-1.0
// to_dot of a plain value, which is not a stage.
// expect: coflow::to_dot: the argument is not a stage
#include <coflow/introspection/to_dot.hpp>
#include <coflow/sources/just.hpp>

int main() {
#if COFLOW_MISUSE
  auto dot = coflow::to_dot(42);
#else
  auto dot = coflow::to_dot(coflow::just(42));
#endif
  (void)dot;
}
