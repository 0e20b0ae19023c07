// SPDX-License-Identifier: BSL-1.0
// merge_concurrent: several sources as one flow. `merge` gives their values as they become
// ready; `concurrent` also says which branch gave each (Twisted's Merge and Concurrent).
#include <coflow/coflow.hpp>

#include <chrono>
#include <cstddef>
#include <iostream>
#include <string>
#include <utility>

using namespace std::chrono_literals;

int main() {
  // Two event sources fed from timers: the flow is parked between their values. On virtual
  // time (advance() below) every timer fires at its own instant, so the order is the same
  // on every run.
  coflow::virtual_clock clock;
  coflow::scheduler sched{clock};
  auto [fast_feed, fast] = coflow::make_callback<std::string>();
  auto [slow_feed, slow] = coflow::make_callback<std::string>();
  for (int i = 0; i < 3; ++i) {
    sched.call_later(10ms * (i + 1), [f = fast_feed, i]() mutable { f.push("fast " + std::to_string(i)); });
  }
  sched.call_later(25ms, [f = slow_feed]() mutable { f.push("slow 0"); });
  sched.call_later(40ms, [f = fast_feed, s = slow_feed]() mutable {
    f.finish();
    s.finish();
  });
  auto merged = sched.spawn(coflow::merge(std::move(fast), std::move(slow)), coflow::to_vector());
  sched.advance(50ms);
  for (auto& v : merged.value()) std::cout << v << '\n';

  // concurrent: (branch, value) pairs, round-robin between branches that are ready.
  auto tagged = coflow::concurrent(coflow::iota(0, 3), coflow::iota(100, 102)) | coflow::to_vector();
  for (auto [branch, v] : tagged) std::cout << branch << ':' << v << ' ';
  std::cout << '\n';
}
