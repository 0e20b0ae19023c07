// SPDX-License-Identifier: BSL-1.0
// The scheduler's run queue: FIFO order across rounds, growth during a turn, and the
// periodic look at the clock while flows stay runnable.
#include <coflow/scheduling/scheduler.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;

namespace coflow_scheduler_queue_test {

// A stage whose every pull calls `f`.
struct by_hand {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "by_hand";
  using upstreams = decltype(boost::hana::tuple_t<>);
  std::function<coflow::step<int>()> f;
  coflow::step<int> next() { return f(); }
};

}  // namespace coflow_scheduler_queue_test

using coflow_scheduler_queue_test::by_hand;

TEST(SchedulerQueue, FlowsSpawnedAndWokenDuringATurnRunInFifoOrder) {
  coflow::scheduler s;
  std::vector<std::string> log;
  coflow::waker parked;
  int p_pulls = 0, a_pulls = 0;
  s.spawn(by_hand{[&]() -> coflow::step<int> {
    if (p_pulls++ == 0) {
      parked = coflow::current_waker();
      return cooperate::park();
    }
    log.push_back("P");
    return coflow::done;
  }});
  s.spawn(by_hand{[&]() -> coflow::step<int> {
    if (a_pulls++ == 0) {
      log.push_back("A1");
      for (int i = 0; i < 40; ++i) {  // more than the queue first has room for
        s.spawn(by_hand{[&log, i]() -> coflow::step<int> {
          log.push_back("c" + std::to_string(i));
          return coflow::done;
        }});
      }
      parked.wake();
      return cooperate{};
    }
    log.push_back("A2");
    return coflow::done;
  }});
  s.spawn(by_hand{[&]() -> coflow::step<int> {
    log.push_back("B");
    return coflow::done;
  }});
  s.run();

  std::vector<std::string> expected{"A1", "B"};
  for (int i = 0; i < 40; ++i) expected.push_back("c" + std::to_string(i));
  expected.push_back("P");
  expected.push_back("A2");
  EXPECT_EQ(log, expected);
  EXPECT_EQ(s.flows(), 0u);
}

TEST(SchedulerQueue, TimersFireWhileManyFlowsStayRunnable) {
  coflow::scheduler s;
  bool over = false;
  int done = 0;
  for (int i = 0; i < 200; ++i) {  // rounds longer than the turns between two looks at the clock
    auto d = s.spawn(by_hand{[&]() -> coflow::step<int> {
      if (over) return coflow::done;
      return cooperate{};
    }});
    d.then([&](const std::vector<int>&) { ++done; });
  }
  s.call_later(1ms, [&] { over = true; });
  s.run();
  EXPECT_TRUE(over);
  EXPECT_EQ(done, 200);
}

TEST(SchedulerQueue, AWakeOnTheLoopsThreadEndsATimedSleep) {
  coflow::scheduler s;
  coflow::waker sleeper;
  int pulls = 0;
  s.spawn(by_hand{[&]() -> coflow::step<int> {
    if (pulls++ == 0) {
      sleeper = coflow::current_waker();
      return cooperate{1h};
    }
    return coflow::done;
  }});
  s.call_later(0ms, [&] { sleeper.wake(); });
  s.run();  // returns at once: the stale timer entry does not hold it for an hour
  EXPECT_EQ(pulls, 2);
  EXPECT_EQ(s.flows(), 0u);
}
