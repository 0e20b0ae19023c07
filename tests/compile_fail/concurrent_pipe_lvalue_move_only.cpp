// SPDX-License-Identifier: BSL-1.0
// `a | concurrent(b)` stores b in the closure: a move-only stage must be moved in.
// expect: coflow::concurrent: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/sources/callback.hpp>
#include <coflow/stages/concurrent.hpp>

int main() {
  auto [feed, stage] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto m = coflow::from({1, 2}) | coflow::concurrent(stage);
#else
  auto m = coflow::from({1, 2}) | coflow::concurrent(std::move(stage));
#endif
  (void)m;
}
