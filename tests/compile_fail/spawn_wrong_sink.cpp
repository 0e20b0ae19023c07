// SPDX-License-Identifier: BSL-1.0
// A sink that cannot take the flow's values, spawned on a scheduler.
// expect: coflow::fold: the function (F) cannot be called with (accumulator, upstream value) of types (Acc,
// T)
#include <coflow/coflow.hpp>

#include <string>

int main() {
  coflow::scheduler sched;
#if COFLOW_MISUSE
  auto d = sched.spawn(coflow::iota(0, 3),
                       coflow::fold(0, [](int a, const std::string& s) { return a + int(s.size()); }));
#else
  auto d = sched.spawn(coflow::iota(0, 3), coflow::fold(0, [](int a, int i) { return a + i; }));
#endif
  (void)d;
}
