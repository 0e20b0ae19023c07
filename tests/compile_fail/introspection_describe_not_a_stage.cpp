// SPDX-License-Identifier: BSL-1.0
// expect: coflow::describe: the argument is not a stage
#include <coflow/introspection/describe.hpp>

#include <vector>

int main() {
  std::vector<int> v{1, 2};
  auto d = coflow::describe(v);  // a range, not yet a stage: describe(coflow::from(v))
  (void)d;
}
