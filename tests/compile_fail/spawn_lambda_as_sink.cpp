// SPDX-License-Identifier: BSL-1.0
// A lambda passed to spawn where a sink belongs.
// expect: coflow::scheduler::spawn: the second argument (K) is neither a sink nor spawn_options
#include <coflow/coflow.hpp>

int main() {
  coflow::scheduler sched;
#if COFLOW_MISUSE
  auto d = sched.spawn(coflow::iota(0, 3), [](int i) { (void)i; });
#else
  auto d = sched.spawn(coflow::iota(0, 3), coflow::for_each([](int i) { (void)i; }));
#endif
  (void)d;
}
