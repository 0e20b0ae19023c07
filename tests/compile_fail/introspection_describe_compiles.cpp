// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/introspection/describe.hpp>
#include <coflow/introspection/to_dot.hpp>
#include <coflow/introspection/traits.hpp>
#include <coflow/sources/from.hpp>

#include <vector>

int main() {
  std::vector<int> v{1, 2};
  auto d = coflow::describe(coflow::from(v));
  auto dot = coflow::to_dot(coflow::from(v));
  static_assert(coflow::flow_traits<decltype(coflow::from(v))>::is_bounded);
  (void)d;
  (void)dot;
}
