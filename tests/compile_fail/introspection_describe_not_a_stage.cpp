// SPDX-License-Identifier: BSL-1.0
// describe of a range: a range is not yet a stage; wrap it in coflow::from.
// expect: coflow::describe: the argument is not a stage
#include <coflow/introspection/describe.hpp>
#include <coflow/sources/from.hpp>

#include <vector>

int main() {
  std::vector<int> v{1, 2};
#if COFLOW_MISUSE
  auto d = coflow::describe(v);
#else
  auto d = coflow::describe(coflow::from(v));
#endif
  (void)d;
}
