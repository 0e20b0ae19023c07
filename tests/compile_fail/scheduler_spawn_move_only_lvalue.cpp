// SPDX-License-Identifier: BSL-1.0
// Spawning a move-only stage held in a variable (which would copy it).
// expect: coflow::scheduler::spawn: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/coflow.hpp>

#include <utility>

int main() {
  coflow::scheduler sched;
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto d = sched.spawn(events, coflow::to_vector());
  (void)d;
#else
  auto d = sched.spawn(std::move(events), coflow::to_vector());
  (void)d;
#endif
}
