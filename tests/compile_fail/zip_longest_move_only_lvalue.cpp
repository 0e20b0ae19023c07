// SPDX-License-Identifier: BSL-1.0
// A move-only stage held in a variable, in zip_longest (which would copy it).
// expect: coflow::zip_longest: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/coflow.hpp>

#include <utility>

int main() {
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto z = coflow::zip_longest(events, coflow::iota(0, 2));
  (void)z;
#else
  auto z = coflow::zip_longest(std::move(events), coflow::iota(0, 2));
  (void)z;
#endif
}
