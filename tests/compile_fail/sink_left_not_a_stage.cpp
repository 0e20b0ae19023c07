// SPDX-License-Identifier: BSL-1.0
// A sink on the right of something that is not a flow.
// expect: coflow: the left side of | is neither a stage nor a range
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto v = 42 | coflow::to_vector();
#else
  auto v = coflow::just(42) | coflow::to_vector();
#endif
  (void)v;
}
