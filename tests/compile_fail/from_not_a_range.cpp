// SPDX-License-Identifier: BSL-1.0
// coflow::from of a single value, which is not a range: a single value is a coflow::just.
// expect: coflow::from: the argument is not a range, a container, a string or a deferred
#include <coflow/coflow.hpp>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::from(42);
#else
  auto s = coflow::just(42);
#endif
  (void)s;
}
