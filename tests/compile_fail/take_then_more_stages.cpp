// SPDX-License-Identifier: BSL-1.0
// A wrong take(2.5) followed by more stages and a sink.
// expect: coflow::take: the count must be an integer
#include <coflow/coflow.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto v = std::vector{1, 2} | coflow::take(2.5) | coflow::map([](int i) { return i; }) | coflow::to_vector();
#else
  auto v = std::vector{1, 2} | coflow::take(2) | coflow::map([](int i) { return i; }) | coflow::to_vector();
#endif
  (void)v;
}
