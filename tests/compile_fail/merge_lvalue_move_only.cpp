// SPDX-License-Identifier: BSL-1.0
// A merge branch is stored in the merge: a move-only stage must be moved in.
// expect: coflow::merge: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/sources/callback.hpp>
#include <coflow/stages/merge.hpp>

int main() {
  auto [feed, stage] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto m = coflow::merge(stage, coflow::from({1, 2}));
#else
  auto m = coflow::merge(std::move(stage), coflow::from({1, 2}));
#endif
  (void)m;
}
