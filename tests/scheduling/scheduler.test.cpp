// SPDX-License-Identifier: BSL-1.0
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>
#include "support/stages.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;

namespace coflow_scheduler_test {

using coflow_test::parked_forever;

struct self_cancelling {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "self_cancelling";
  using upstreams = decltype(boost::hana::tuple_t<>);
  coflow::deferred<std::vector<int>>* mine;
  coflow::step<int> next() {
    mine->cancel();
    return cooperate{};
  }
};
}  // namespace coflow_scheduler_test

using namespace coflow_scheduler_test;

TEST(Scheduler, RunReturnsAtOnceWithNothingToDo) {
  coflow::scheduler s;
  s.run();
  EXPECT_EQ(s.flows(), 0u);
}

TEST(Scheduler, CountsUnfinishedFlows) {
  coflow::scheduler s;
  auto a = s.spawn(coflow::from({1, 2}));
  auto b = s.spawn(coflow::scripted<int>({cooperate{1ms}, 3}));
  EXPECT_EQ(s.flows(), 2u);
  s.run();
  EXPECT_EQ(s.flows(), 0u);
  EXPECT_EQ(a.value(), (std::vector<int>{1, 2}));
  EXPECT_EQ(b.value(), std::vector<int>{3});
}

TEST(Scheduler, RunUntilReturnsWhenTheDeferredFires) {
  coflow::scheduler s;
  int destroyed = 0;
  auto forever = s.spawn(parked_forever{&destroyed});
  coflow::deferred<int> tick;
  s.call_later(2ms, [tick]() mutable { tick.callback(1); });
  EXPECT_TRUE(s.run_until(tick));  // run() alone would wait for the parked flow
  EXPECT_EQ(tick.value(), 1);
  EXPECT_EQ(s.flows(), 1u);
  EXPECT_FALSE(forever.fired());
  forever.cancel();
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(s.flows(), 0u);
  s.run();
}

TEST(Scheduler, RunUntilIsFalseWhenWorkRunsOut) {
  coflow::scheduler s;
  coflow::deferred<int> never;
  auto d = s.spawn(coflow::from({1}));
  EXPECT_FALSE(s.run_until(never));
  EXPECT_TRUE(d.succeeded());
  EXPECT_TRUE(s.run_until(d));  // already fired
}

TEST(Scheduler, StopFromAFlowCallbackReturnsAndRunResumes) {
  coflow::scheduler s;
  auto first = s.spawn(coflow::from({1}));
  auto slow = s.spawn(coflow::scripted<int>({cooperate{}, cooperate{}, cooperate{}, 2}));
  first.then([&](const std::vector<int>&) { s.stop(); });
  s.run();
  EXPECT_TRUE(first.fired());
  EXPECT_FALSE(slow.fired());
  s.run();
  EXPECT_EQ(slow.value(), std::vector<int>{2});
}

TEST(Scheduler, DestroyingTheSchedulerDestroysItsFlowsAndErrbacks) {
  int destroyed = 0;
  coflow::deferred<std::vector<int>> d;
  {
    coflow::scheduler s;
    d = s.spawn(parked_forever{&destroyed});
    auto sleeping = s.spawn(coflow::scripted<int>({cooperate{10s}}));
    s.call_later(1ms, [&] { s.stop(); });
    s.run();
  }
  EXPECT_EQ(destroyed, 1);
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
}

// A spawned flow's deferred shares the flow's block: the copies handed out (and one a callback
// keeps) must stay valid after the flow and the scheduler are gone.
TEST(Scheduler, DeferredsOutliveTheirFlowsAndTheScheduler) {
  int destroyed = 0;
  coflow::deferred<std::vector<int>> done, kept, parked;
  {
    coflow::scheduler s;
    done = s.spawn(coflow::from({1, 2}));
    done.both([&](const coflow::deferred<std::vector<int>>& d) { kept = d; });
    parked = s.spawn(parked_forever{&destroyed});
    s.run_until(done);
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(kept.value(), (std::vector<int>{1, 2}));
  EXPECT_TRUE(kept == done);
  ASSERT_TRUE(parked.failed());
  parked.cancel();  // already fired: nothing to do, and no scheduler to reach
  kept.then([&](const std::vector<int>& v) { destroyed += static_cast<int>(v.size()); });
  EXPECT_EQ(destroyed, 3);
}

// A timer handle shares its call's slot: after the scheduler is gone, the call is neither
// pending nor cancellable, and what it held is released.
TEST(Scheduler, ATimerHandleOutlivesItsScheduler) {
  auto held = std::make_shared<int>(0);
  coflow::timer_handle later, soon;
  {
    coflow::scheduler s;
    later = s.call_later(10s, [held] { ++*held; });
    soon = s.call_later(0ms, [held] { ++*held; });
    EXPECT_TRUE(later.pending());
    EXPECT_TRUE(soon.pending());
    EXPECT_EQ(held.use_count(), 3);
  }
  EXPECT_FALSE(later.pending());
  EXPECT_FALSE(soon.pending());
  EXPECT_FALSE(later.cancel());
  EXPECT_EQ(held.use_count(), 1);
  EXPECT_EQ(*held, 0);
}

TEST(Scheduler, AFlowMayCancelItselfDuringItsTurn) {
  coflow::scheduler s;
  coflow::deferred<std::vector<int>> d;
  d = s.spawn(self_cancelling{&d});
  s.run();
  EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
  EXPECT_EQ(s.flows(), 0u);
}

TEST(Scheduler, SpawnsFromCallbacks) {
  coflow::scheduler s;
  std::vector<int> got;
  auto a = s.spawn(coflow::from({1, 2}));
  a.then([&](const std::vector<int>& v) {
    s.spawn(coflow::from(std::vector<int>{v.back() + 1})).then([&](const std::vector<int>& w) { got = w; });
  });
  s.run();
  EXPECT_EQ(got, std::vector<int>{3});
}

TEST(Scheduler, CallLaterWithZeroDelayRunsOnTheNextTurn) {
  coflow::scheduler s;
  std::vector<std::string> order;
  auto flow = s.spawn(coflow::scripted<int>({1, cooperate{}, 2}));
  flow.then([&](const std::vector<int>&) { order.push_back("flow done"); });
  s.call_later(0ms, [&] { order.push_back("call 1"); });
  s.call_later(-5ms, [&] { order.push_back("call 2"); });
  auto cancelled = s.call_later(0ms, [&] { order.push_back("cancelled"); });
  EXPECT_TRUE(cancelled.cancel());
  s.run();
  // The flow's first turn, then the calls queued behind it, then its second turn.
  EXPECT_EQ(order, (std::vector<std::string>{"call 1", "call 2", "flow done"}));
}

TEST(Scheduler, SpawnsIntoAToVectorSink) {
  coflow::scheduler s;
  auto d = s.spawn(coflow::scripted<int>({1, cooperate{}, 2}), coflow::to_vector<long>());
  s.run();
  EXPECT_EQ(d.value(), (std::vector<long>{1, 2}));
}
