// SPDX-License-Identifier: BSL-1.0
// scheduler: a flow that waits for events is parked (it costs nothing) until they arrive.
// The README's scheduler example, kept compiling and checked by ctest.
#include <coflow/coflow.hpp>

#include <chrono>
#include <functional>
#include <iostream>

using namespace std::chrono_literals;

int main() {
  coflow::scheduler sched;
  auto [feed, events] = coflow::make_callback<int>();
  auto total = sched.spawn(std::move(events) | coflow::map([](int x) { return x * 2; }),
                           coflow::fold(0, std::plus<>{}));
  sched.call_later(10ms, [feed]() mutable {
    feed.push(20);
    feed.push(1);
    feed.finish();
  });
  sched.run();  // the flow is parked (no CPU) until the callback is fed
  std::cout << total.value() << '\n';
}
