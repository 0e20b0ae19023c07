// SPDX-License-Identifier: BSL-1.0
// The n-ary map over a move-only stage held in a variable (which would copy it).
// expect: coflow::map: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/coflow.hpp>

#include <utility>

int main() {
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto m = coflow::map([](int x, int y) { return x + y; }, events, coflow::iota(0));
  (void)m;
#else
  auto m = coflow::map([](int x, int y) { return x + y; }, std::move(events), coflow::iota(0));
  (void)m;
#endif
}
