// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/threads/threaded.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Passes a stage through, counting its pulls and how many of them parked.
template <class S>
struct pull_counter {
  using value_type = coflow::value_t<S>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "pull_counter";
  using upstreams = decltype(boost::hana::tuple_t<S>);
  S up;
  int* pulls;
  int* parks;
  coflow::step<value_type> next() {
    ++*pulls;
    auto st = up.next();
    if (st.is_cooperate() && st.cooperation().parked()) ++*parks;
    return st;
  }
};

auto slow_countdown() {
  return [] {
    return [i = 5]() mutable -> std::optional<int> {
      if (i == 0) return std::nullopt;
      std::this_thread::sleep_for(20ms);
      return i--;
    };
  };
}

}  // namespace

TEST(ThreadedOnScheduler, ParksTheFlowAndIsWokenByTheWorker) {
  int pulls = 0, parks = 0;
  coflow::scheduler sched;
  auto d = sched.spawn(pull_counter<decltype(coflow::threaded(slow_countdown()))>{
      coflow::threaded(slow_countdown()), &pulls, &parks});
  std::vector<int> got;
  d.then([&](const std::vector<int>& v) { got = v; });
  sched.run();  // returns once the flow is done: every wake-up came from the worker
  EXPECT_EQ(got, (std::vector{5, 4, 3, 2, 1}));
  // 5 values + the end + one park per 20 ms wait (a spurious wake-up at most doubles that);
  // polling would pull thousands of times in 100 ms.
  EXPECT_GE(parks, 1);
  EXPECT_LE(pulls, 6 + 2 * 6);
}

TEST(ThreadedOnScheduler, AWorkerFailureErrbacksWithItsType) {
  coflow::scheduler sched;
  auto d = sched.spawn(coflow::threaded([] {
    return [i = 0]() mutable -> std::optional<int> {
      std::this_thread::sleep_for(2ms);
      if (i == 2) throw std::out_of_range("end of tape");
      return i++;
    };
  }));
  bool errbacked = false;
  d.on_error([&](const coflow::failure& f) { errbacked = f.is<std::out_of_range>(); });
  sched.run();
  EXPECT_TRUE(errbacked);
}
