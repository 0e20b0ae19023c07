// SPDX-License-Identifier: BSL-1.0
// `a | concurrent(b)`: b is checked where concurrent(b) is written.
// expect: coflow::concurrent: a branch is neither a stage nor a range
#include <coflow/stages/concurrent.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto c = coflow::from(std::vector{1, 2}) | coflow::concurrent('x');
#else
  auto c = coflow::from(std::vector{1, 2}) | coflow::concurrent(coflow::just(3));
#endif
  (void)c;
}
