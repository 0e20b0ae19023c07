// SPDX-License-Identifier: BSL-1.0
// merge, concurrent and callback run by the scheduler: values arrive from deferreds, timers
// and other flows between the turns of the flow that pulls them.
#include <coflow/coro/generator.hpp>
#include <coflow/scheduling/deferred.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sources/callback.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/concurrent.hpp>
#include <coflow/stages/merge.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <ios>
#include <string>
#include <utility>
#include <variant>
#include <vector>

using namespace std::chrono_literals;

namespace {

using coflow::cooperate;
using str_or_int = std::variant<std::string, int>;

// A flow that runs one action per scheduler turn: it cooperates between them, so the flows
// spawned before it get a turn between two of its actions.
coflow::generator<int> one_per_turn(std::vector<std::function<void()>> actions) {
  for (auto& a : actions) {
    a();
    co_yield cooperate{};
  }
}

// Counts the pulls of the stage it wraps.
template <class S>
struct counted {
  S up;
  int* pulls;
  using value_type = coflow::value_t<S>;
  static constexpr bool can_cooperate = true;
  coflow::step<value_type> next() {
    ++*pulls;
    return up.next();
  }
};
template <class S>
counted(S, int*) -> counted<S>;

TEST(MergeScheduled, ADeferredFiredOnTheNextTurnComesBetweenTheListsValues) {
  coflow::scheduler sched;
  coflow::deferred<std::string> d;
  auto merged = sched.spawn(coflow::merge(coflow::from(d), coflow::scripted<int>({1, 2, cooperate{}, 3})));
  auto fire = sched.spawn(one_per_turn({[d]() mutable { d.callback("test"); }}));
  sched.run();
  ASSERT_TRUE(merged.fired());
  ASSERT_FALSE(merged.failed());
  EXPECT_EQ(merged.value(), (std::vector<str_or_int>{1, 2, "test", 3}));
}

TEST(MergeScheduled, AnAlreadyFiredDeferredGivesItsValueAtOnce) {
  coflow::scheduler sched;
  coflow::deferred<std::string> d;
  d.callback("test");
  auto merged = sched.spawn(coflow::merge(coflow::from(d), coflow::scripted<int>({1, 2, cooperate{}, 3})));
  sched.run();
  EXPECT_EQ(merged.value(), (std::vector<str_or_int>{"test", 1, 2, 3}));
}

TEST(CallbackScheduled, FedZeroToEightThenFinishWhileAFlowCollectsIt) {
  coflow::scheduler sched;
  auto [feed, stage] = coflow::make_callback<int>();
  auto got = sched.spawn(std::move(stage));
  for (int i = 0; i < 9; ++i)
    sched.call_later(std::chrono::milliseconds(i), [feed = feed, i] { feed.push(i); });
  sched.call_later(10ms, [feed = feed] { feed.finish(); });
  sched.run();
  ASSERT_FALSE(got.failed());
  EXPECT_EQ(got.value(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(CallbackScheduled, FedZeroToTwoThenFailErrbacksWithThatError) {
  coflow::scheduler sched;
  auto [feed, stage] = coflow::make_callback<int>();
  auto got = sched.spawn(std::move(stage));
  sched.call_later(1ms, [feed = feed] {
    for (int i = 0; i < 3; ++i) feed.push(i);
  });
  sched.call_later(2ms, [feed = feed] { feed.fail(std::ios_base::failure("connection lost")); });
  sched.run();
  ASSERT_TRUE(got.failed());
  EXPECT_TRUE(got.error().is<std::ios_base::failure>());
  EXPECT_THROW(got.error().rethrow(), std::ios_base::failure);
}

TEST(ConcurrentScheduled, OverTwoCallbacksFedOneEventPerTurn) {
  coflow::scheduler sched;
  auto [a, sa] = coflow::make_callback<int>();
  auto [b, sb] = coflow::make_callback<int>();
  auto got = sched.spawn(coflow::concurrent(std::move(sa), std::move(sb)));
  auto feeder = sched.spawn(one_per_turn({
      [a = a] { a.push(1); },
      [b = b] { b.push(2); },
      [a = a] { a.push(3); },
      [a = a] { a.push(4); },
      [a = a] { a.finish(); },
      [b = b] { b.push(5); },
      [b = b] { b.finish(); },
  }));
  sched.run();
  using indexed = std::pair<std::size_t, int>;
  EXPECT_EQ(got.value(), (std::vector<indexed>{{0, 1}, {1, 2}, {0, 3}, {0, 4}, {1, 5}}));
}

TEST(MergeScheduled, TwoIdleCallbacksParkTheFlowUntilATimerPushes) {
  coflow::scheduler sched;
  auto [a, sa] = coflow::make_callback<int>();
  auto [b, sb] = coflow::make_callback<int>();
  int pulls = 0;
  auto got = sched.spawn(counted{coflow::merge(std::move(sa), std::move(sb)), &pulls});
  auto start = std::chrono::steady_clock::now();
  sched.call_later(30ms, [a = a] {
    a.push(1);
    a.finish();
  });
  sched.call_later(60ms, [b = b] {
    b.push(2);
    b.finish();
  });
  sched.run();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);
  EXPECT_EQ(got.value(), (std::vector<int>{1, 2}));
  EXPECT_LE(pulls, 8);  // park, 1, park, 2, end: no polling while parked
}

}  // namespace
