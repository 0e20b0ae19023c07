// SPDX-License-Identifier: BSL-1.0
// `a | merge(b)` stores b in the closure: a move-only stage must be moved in.
// expect: coflow::merge: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/sources/callback.hpp>
#include <coflow/stages/merge.hpp>

int main() {
  auto [feed, stage] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto m = coflow::from({1, 2}) | coflow::merge(stage);
#else
  auto m = coflow::from({1, 2}) | coflow::merge(std::move(stage));
#endif
  (void)m;
}
