// SPDX-License-Identifier: BSL-1.0
// concat with a move-only stage passed as an lvalue.
// expect: coflow::concat: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/stages/concat.hpp>
#include <coflow/stages/map.hpp>

#include <memory>
#include <vector>

int main() {
  auto a =
      coflow::from(std::vector{1}) | coflow::map([p = std::make_unique<int>(1)](int i) { return i + *p; });
#if COFLOW_MISUSE
  auto s = coflow::concat(a, std::vector{2});
#else
  auto s = coflow::concat(std::move(a), std::vector{2});
#endif
  (void)s;
}
