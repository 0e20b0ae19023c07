// SPDX-License-Identifier: BSL-1.0
// A named sink holding a move-only capture, used as an lvalue (which would copy it).
// expect: coflow: a sink holding a move-only value (see D) is used as an lvalue on the right of |
#include <coflow/coflow.hpp>

#include <memory>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto print = coflow::for_each([p = std::make_unique<int>(1)](int i) { (void)(i + *p); });
  std::vector{1, 2} | print;
#else
  auto print = coflow::for_each([p = std::make_unique<int>(1)](int i) { (void)(i + *p); });
  std::vector{1, 2} | std::move(print);
#endif
}
