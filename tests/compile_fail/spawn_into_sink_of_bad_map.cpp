// SPDX-License-Identifier: BSL-1.0
// A wrong map inside scheduler::spawn(flow, sink).
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  coflow::scheduler sched;
#if COFLOW_MISUSE
  auto d = sched.spawn(std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); }),
                       coflow::to_vector());
#else
  auto d = sched.spawn(std::vector{1, 2} | coflow::map([](int i) { return i * 2; }), coflow::to_vector());
#endif
  (void)d;
}
