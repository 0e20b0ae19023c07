// SPDX-License-Identifier: BSL-1.0
// `a | zip(b)` with a move-only stage b held in a variable.
// expect: coflow::zip: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/coflow.hpp>

#include <utility>

int main() {
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto z = coflow::iota(0) | coflow::zip(events);
  (void)z;
#else
  auto z = coflow::iota(0) | coflow::zip(std::move(events));
  (void)z;
#endif
}
