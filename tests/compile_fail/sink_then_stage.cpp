// SPDX-License-Identifier: BSL-1.0
// A stage written after the sink, which already ends the flow.
// expect: coflow: the left side of | is a sink, which ends a flow; nothing can follow it
#include <coflow/coflow.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto steps = coflow::to_vector() | coflow::map([](int i) { return i; });
#else
  auto steps = coflow::map([](int i) { return i; }) | coflow::filter([](int i) { return i > 0; });
#endif
  auto v = std::vector{1, 2} | steps;
  (void)v;
}
