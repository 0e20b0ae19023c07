// SPDX-License-Identifier: BSL-1.0
// A concurrent branch is stored in the stage: a move-only stage must be moved in.
// expect: coflow::concurrent: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/sources/callback.hpp>
#include <coflow/stages/concurrent.hpp>

int main() {
  auto [feed, stage] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto c = coflow::concurrent(coflow::from({1, 2}), stage);
#else
  auto c = coflow::concurrent(coflow::from({1, 2}), std::move(stage));
#endif
  (void)c;
}
