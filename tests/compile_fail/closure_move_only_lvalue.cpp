// SPDX-License-Identifier: BSL-1.0
// A named adaptor holding a move-only capture, used as an lvalue (which would copy it).
// expect: coflow: an adaptor holding a move-only value (see Args) is used as an lvalue on the right of |
#include <coflow/coflow.hpp>

#include <memory>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto add = coflow::map([p = std::make_unique<int>(1)](int i) { return i + *p; });
  auto v = std::vector{1, 2} | add | coflow::to_vector();
#else
  auto add = coflow::map([p = std::make_unique<int>(1)](int i) { return i + *p; });
  auto v = std::vector{1, 2} | std::move(add) | coflow::to_vector();
#endif
  (void)v;
}
