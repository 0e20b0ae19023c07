// SPDX-License-Identifier: BSL-1.0
// custom_sink: a sink of your own, run by `|` on the calling thread and by the scheduler.
// A sink derives from coflow::sink_base, and gives a consumer with push() and result().
#include <coflow/coflow.hpp>

#include <cstddef>
#include <iostream>
#include <string_view>
#include <utility>

namespace example {
// Keeps the smallest and largest value, and stops the flow after `limit` values.
struct min_max : coflow::sink_base<min_max> {
  static constexpr std::string_view sink_name = "min_max";
  std::size_t limit;

  template <class T>
  struct consumer_type {
    std::size_t left;
    long lo = 0, hi = 0;
    bool any = false;

    bool push(long v) {
      lo = any ? std::min(lo, v) : v;
      hi = any ? std::max(hi, v) : v;
      any = true;
      return --left > 0;  // false ends the flow early
    }
    std::pair<long, long> result() && { return {lo, hi}; }
  };
  template <class T>
  consumer_type<T> consumer() const {
    return {limit};
  }
};
}  // namespace example

int main() {
  auto values = [] { return coflow::from(std::vector<long>{7, -3, 12, 5, 40, -8}); };
  auto [lo, hi] = values() | example::min_max{{}, 4};
  std::cout << "first four: " << lo << ' ' << hi << '\n';

  coflow::scheduler sched;
  auto d = sched.spawn(values(), example::min_max{{}, 100});
  sched.run();
  std::cout << "all: " << d.value().first << ' ' << d.value().second << '\n';
}
