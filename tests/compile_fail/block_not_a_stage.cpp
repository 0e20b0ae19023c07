// SPDX-License-Identifier: BSL-1.0
// block() of a plain value, which is neither a stage nor a range.
// expect: coflow::block: the argument (X) is neither a stage nor a range
#include <coflow/coflow.hpp>

int main() {
#if COFLOW_MISUSE
  for (int v : coflow::block(42)) (void)v;
#else
  for (int v : coflow::block(coflow::just(42))) (void)v;
#endif
}
