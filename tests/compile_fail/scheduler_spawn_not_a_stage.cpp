// SPDX-License-Identifier: BSL-1.0
// Spawning something that is neither a stage nor a range on the scheduler.
// expect: coflow::scheduler::spawn: the flow is neither a stage nor a range
#include <coflow/scheduling/scheduler.hpp>

int main() {
  coflow::scheduler s;
#if COFLOW_MISUSE
  auto d = s.spawn(42);
#else
  auto d = s.spawn(coflow::just(42));
#endif
  (void)d;
}
