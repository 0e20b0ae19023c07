// SPDX-License-Identifier: BSL-1.0
// A move-only stage held in a variable, zipped (which would copy it).
// expect: coflow::zip: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/coflow.hpp>

#include <utility>

int main() {
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto z = coflow::zip(events, coflow::iota(0));
  (void)z;
#else
  auto z = coflow::zip(std::move(events), coflow::iota(0));
  (void)z;
#endif
}
