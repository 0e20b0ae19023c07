// SPDX-License-Identifier: BSL-1.0
// A move-only stage held in a variable, piped into an adaptor (which would copy it).
// expect: coflow: a move-only stage (see L) is used as an lvalue on the left of |, which would copy it;
// std::move it in
#include <coflow/coflow.hpp>

#include <utility>

int main() {
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto m = events | coflow::map([](int x) { return x * 2; });
  (void)m;
#else
  auto m = std::move(events) | coflow::map([](int x) { return x * 2; });
  (void)m;
#endif
}
