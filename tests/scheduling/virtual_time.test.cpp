// SPDX-License-Identifier: BSL-1.0
// Virtual time: a scheduler on a virtual_clock, and the time-based stages tested on it (no
// test here sleeps: an hour passes in microseconds, the same way every time).
#include <coflow/coflow.hpp>

#include "support/stages.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;
using vz = std::vector<std::size_t>;
using vi = std::vector<int>;

namespace {

/// A scheduler on virtual time, and the virtual time of its events.
struct on_virtual_time {
  coflow::virtual_clock clock;
  coflow::scheduler sched{clock};

  [[nodiscard]] std::chrono::nanoseconds elapsed() const { return clock.now().time_since_epoch(); }

  /// A callback source fed `values[i]` at `at[i]`, then finished (or failed) at `end`.
  coflow::callback_stage<int> feed(std::vector<std::pair<std::chrono::nanoseconds, int>> values,
                                   std::chrono::nanoseconds end, bool fail = false) {
    return coflow_test::fed_at([this](auto at, auto fn) { sched.call_later(at, std::move(fn)); },
                               std::move(values), end, fail);
  }
};

}  // namespace

TEST(VirtualTime, CallLaterFiresWhenTheClockReachesIt) {
  on_virtual_time t;
  std::vector<std::chrono::nanoseconds> fired;
  t.sched.call_later(2h, [&] { fired.push_back(t.elapsed()); });
  t.sched.call_later(1h, [&] { fired.push_back(t.elapsed()); });
  t.sched.run();  // idle: nothing is due before the clock moves
  EXPECT_TRUE(fired.empty());
  t.sched.advance(90min);
  EXPECT_EQ(fired, (std::vector<std::chrono::nanoseconds>{1h}));
  t.sched.advance(1h);
  EXPECT_EQ(fired, (std::vector<std::chrono::nanoseconds>{1h, 2h}));
  EXPECT_EQ(t.elapsed(), 150min);
}

TEST(VirtualTime, ACooperatingFlowSleepsOnTheVirtualClock) {
  on_virtual_time t;
  auto d = t.sched.spawn(coflow::scripted<int>({1, cooperate{10s}, 2}));
  t.sched.advance(9s);
  EXPECT_FALSE(d.fired());
  t.sched.advance(1s);
  ASSERT_TRUE(d.fired());
  EXPECT_EQ(d.value(), (vi{1, 2}));
}

TEST(VirtualTime, StagesReadTheSchedulersClock) {
  on_virtual_time t;
  t.clock.advance(5s);
  std::chrono::nanoseconds seen{};
  t.sched.call_later(0s, [&] { seen = coflow::now().time_since_epoch(); });
  t.sched.run();
  EXPECT_EQ(seen, 5s);
  EXPECT_NE(coflow::now().time_since_epoch(), 5s);  // outside the loop: the steady clock
}

TEST(Interval, TicksOncePerPeriod) {
  on_virtual_time t;
  std::vector<std::chrono::nanoseconds> at;
  auto d = t.sched.spawn(coflow::interval(1s) | coflow::take(3) | coflow::map([&](std::size_t i) {
                           at.push_back(t.elapsed());
                           return i;
                         }));
  t.sched.advance(10s);
  ASSERT_TRUE(d.fired());
  EXPECT_EQ(d.value(), (vz{0, 1, 2}));
  EXPECT_EQ(at, (std::vector<std::chrono::nanoseconds>{1s, 2s, 3s}));
  EXPECT_THROW(coflow::interval(0s), std::invalid_argument);
}

TEST(Timeout, FailsWhenTheUpstreamIsSilentForAnHour) {
  on_virtual_time t;
  auto d = t.sched.spawn(t.feed({{10min, 1}, {30min, 2}}, 3h) | coflow::timeout(1h));
  t.sched.advance(89min);
  EXPECT_FALSE(d.fired());
  t.sched.advance(1min);  // an hour after the value at 30 min
  ASSERT_TRUE(d.failed());
  EXPECT_THROW(d.error().rethrow(), coflow::timeout_error);
  EXPECT_EQ(t.elapsed(), 90min);
}

TEST(Timeout, PassesValuesEndAndFailureThatComeInTime) {
  on_virtual_time t;
  auto ok = t.sched.spawn(t.feed({{50min, 1}, {100min, 2}}, 150min) | coflow::timeout(1h));
  auto bad = t.sched.spawn(t.feed({{50min, 3}}, 60min, true) | coflow::timeout(1h));
  t.sched.advance(5h);
  EXPECT_EQ(ok.value(), (vi{1, 2}));
  ASSERT_TRUE(bad.failed());
  EXPECT_THROW(bad.error().rethrow(), std::runtime_error);
  EXPECT_EQ(bad.error().message(), "feed failed");
}

TEST(Delay, GivesEachValueLaterWithoutPullingAhead) {
  on_virtual_time t;
  std::vector<std::chrono::nanoseconds> at;
  auto d = t.sched.spawn(coflow::iota(0, 3) | coflow::delay(2s) | coflow::map([&](int x) {
                           at.push_back(t.elapsed());
                           return x;
                         }));
  t.sched.advance(1min);
  EXPECT_EQ(d.value(), (vi{0, 1, 2}));
  EXPECT_EQ(at, (std::vector<std::chrono::nanoseconds>{2s, 4s, 6s}));
}

TEST(Throttle, SpacesValuesAtLeastAPeriodApartAndDropsNone) {
  on_virtual_time t;
  std::vector<std::chrono::nanoseconds> at;
  auto d = t.sched.spawn(t.feed({{0s, 1}, {1s, 2}, {1s, 3}, {9s, 4}}, 20s) | coflow::throttle(3s) |
                         coflow::map([&](int x) {
                           at.push_back(t.elapsed());
                           return x;
                         }));
  t.sched.advance(1min);
  EXPECT_EQ(d.value(), (vi{1, 2, 3, 4}));
  EXPECT_EQ(at, (std::vector<std::chrono::nanoseconds>{0s, 3s, 6s, 9s}));
}

TEST(ChunkWithin, GivesAChunkAtNValuesOrAfterTheTimeWhicheverFirst) {
  on_virtual_time t;
  std::vector<std::chrono::nanoseconds> at;
  auto d = t.sched.spawn(t.feed({{0ms, 1}, {0ms, 2}, {0ms, 3}, {10ms, 4}, {200ms, 5}, {220ms, 6}}, 230ms) |
                         coflow::chunk(3, 50ms) | coflow::map([&](vi v) {
                           at.push_back(t.elapsed());
                           return v;
                         }));
  t.sched.advance(1s);
  EXPECT_EQ(d.value(), (std::vector<vi>{{1, 2, 3}, {4}, {5, 6}}));
  // {4}: 50 ms after its first value; {5, 6}: at the end, before the 50 ms.
  EXPECT_EQ(at, (std::vector<std::chrono::nanoseconds>{0ms, 60ms, 230ms}));
}

TEST(ChunkWithin, ThePartialChunkGoesBeforeAFailure) {
  on_virtual_time t;
  std::vector<vi> seen;
  auto d = t.sched.spawn(t.feed({{0ms, 1}, {1ms, 2}}, 2ms, true) | coflow::chunk(5, 1s),
                         coflow::for_each([&](vi v) { seen.push_back(std::move(v)); }));
  t.sched.advance(1s);
  EXPECT_EQ(seen, (std::vector<vi>{{1, 2}}));
  EXPECT_TRUE(d.failed());
  EXPECT_THROW((void)coflow::chunk(0, 1s), std::invalid_argument);
}

TEST(Retry, MakesTheSourceAgainAfterABackoff) {
  on_virtual_time t;
  int made = 0;
  std::vector<std::chrono::nanoseconds> made_at;
  auto d = t.sched.spawn(coflow::retry(3, coflow::exponential_backoff{1s, 2.0, 1min}, [&] {
    made_at.push_back(t.elapsed());
    ++made;
    if (made < 3) return coflow::scripted<int>({made, coflow::failure::make(std::runtime_error("flaky"))});
    return coflow::scripted<int>({made * 10});
  }));
  t.sched.advance(1h);
  EXPECT_EQ(d.value(), (vi{1, 2, 30}));
  EXPECT_EQ(made_at, (std::vector<std::chrono::nanoseconds>{0s, 1s, 3s}));  // waits of 1 s, then 2 s
}

TEST(Retry, GivesTheFailureAfterNRetries) {
  on_virtual_time t;
  int made = 0;
  auto d = t.sched.spawn(coflow::retry(2, 5s, [&] {
    ++made;
    return coflow::scripted<int>({coflow::failure::make(std::out_of_range("down"))});
  }));
  t.sched.advance(1h);
  EXPECT_EQ(made, 3);
  ASSERT_TRUE(d.failed());
  EXPECT_THROW(d.error().rethrow(), std::out_of_range);
  EXPECT_EQ(t.elapsed(), 1h);
}

TEST(TimeStages, CancellingAWaitingFlowDestroysIt) {
  on_virtual_time t;
  auto d = t.sched.spawn(coflow::interval(1h) | coflow::timeout(2h) | coflow::delay(1s));
  t.sched.advance(30min);
  d.cancel();
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(t.sched.flows(), 0u);
  t.sched.advance(5h);  // the timer left behind is stale: nothing runs
}
