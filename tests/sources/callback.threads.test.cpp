// SPDX-License-Identifier: BSL-1.0
#include <coflow/sources/callback.hpp>
#include "support/stages.hpp"

#include <coflow/control/block.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/sink.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ios>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

using coflow_test::counted;

TEST(CallbackThreads, ValuesPushedFromAnotherThreadArriveInOrder) {
  constexpr int n = 20000;
  auto [feed, stage] = coflow::make_callback<int>();
  std::thread producer{[feed = feed] {
    for (int i = 0; i < n; ++i) {
      feed.push(i);
      if (i % 1000 == 0) std::this_thread::sleep_for(100us);  // let the consumer park now and then
    }
    feed.finish();
  }};
  std::vector<int> got;
  for (int v : coflow::block(stage)) got.push_back(v);
  producer.join();
  std::vector<int> want(n);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(got, want);
}

TEST(CallbackThreads, ParkedConsumerSleepsUntilAPushFromAnotherThread) {
  auto [feed, stage] = coflow::make_callback<std::string>();
  counted<coflow::callback_stage<std::string>> s{std::move(stage)};
  auto start = std::chrono::steady_clock::now();
  std::thread producer{[feed = feed] {
    std::this_thread::sleep_for(50ms);
    feed.push("late");
    std::this_thread::sleep_for(50ms);
    feed.fail(std::ios_base::failure("hung up"));
  }};
  std::vector<std::string> got;
  EXPECT_THROW(
      {
        for (auto& v : coflow::block(s)) got.push_back(v);
      },
      std::ios_base::failure);
  producer.join();
  EXPECT_EQ(got, (std::vector<std::string>{"late"}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_LE(s.pulls, 6);  // park, value, park, failure; a spurious wake-up or two at most
}

TEST(CallbackThreads, ManyProducersFeedOneStream) {
  constexpr int per_thread = 5000;
  coflow::callback<int> feed;
  auto stage = feed.stage();
  std::vector<std::thread> producers;
  for (int t = 0; t < 3; ++t)
    producers.emplace_back([feed, t] {
      for (int i = 0; i < per_thread; ++i) feed.push(t * per_thread + i);
    });
  std::thread closer{[&producers, feed = std::move(feed)] {
    for (auto& p : producers) p.join();
    feed.finish();
  }};
  std::vector<int> got;
  for (int v : coflow::block(stage)) got.push_back(v);
  closer.join();
  ASSERT_EQ(got.size(), 3u * per_thread);
  // Each producer's values keep their order.
  std::vector<int> last(3, -1);
  for (int v : got) {
    const auto t = static_cast<std::size_t>(v / per_thread);
    EXPECT_GT(v, last[t]);
    last[t] = v;
  }
}

TEST(CallbackThreads, DroppingTheStageWhileAThreadPushesIsSafe) {
  coflow::callback<int> feed;
  std::thread producer;
  {
    auto stage = feed.stage();
    producer = std::thread{[feed] {
      while (feed.push(1)) std::this_thread::yield();
    }};
    int seen = 0;
    for (int v : coflow::block(stage)) {
      seen += v;
      if (seen == 100) break;
    }
    EXPECT_EQ(seen, 100);
  }
  producer.join();  // the push loop ends: pushes are refused once the stage is gone
  EXPECT_FALSE(feed.push(2));
}

TEST(CallbackThreads, AScheduledFlowSleepsUntilAPushFromAnotherThreadWakesIt) {
  coflow::scheduler sched;
  auto [feed, stage] = coflow::make_callback<std::string>();
  auto got = sched.spawn(std::move(stage));
  std::thread producer{[feed = feed] {
    std::this_thread::sleep_for(20ms);
    feed.push("x");
    feed.push("y");
    feed.finish();
  }};
  sched.run();  // waits, blocked, for the wake-up from the producer
  producer.join();
  EXPECT_EQ(got.value(), (std::vector<std::string>{"x", "y"}));
}

/// A flow that only cooperates, `n` times: turns during which wake-ups from other threads are
/// taken in (at the turns a replayable schedule draws).
coflow::generator<int> ticks(int n, int& count) {
  for (int i = 0; i < n; ++i) {
    ++count;
    co_yield coflow::cooperate{};
  }
}

struct fed_run {
  std::vector<int> values;
  bool failed = false;
  std::vector<int> seen_at;  // the ticks counted when each value was taken
};

/// A callback fed `0, 1, 2` from another thread, one value after the flow took the one before,
/// then failed (when `fail`) or finished; consumed on a scheduler replaying `seed` beside a
/// flow that cooperates.
fed_run fed_from_a_thread(std::uint64_t seed, bool fail) {
  constexpr int n = 3;
  coflow::scheduler sched;
  sched.replay_seed(seed);
  fed_run out;
  int count = 0;
  std::atomic<int> taken{0};
  auto [feed, stage] = coflow::make_callback<int>();
  auto d = sched.spawn(std::move(stage) | coflow::map([&](int x) {
                         out.seen_at.push_back(count);
                         taken.store(x + 1);
                         taken.notify_one();
                         return x;
                       }),
                       coflow::for_each([&](int x) { out.values.push_back(x); }));
  sched.spawn(ticks(200, count));
  std::thread producer{[feed = feed, &taken, fail] {
    for (int i = 0; i < n; ++i) {
      feed.push(i);
      for (int t = taken.load(); t <= i; t = taken.load()) taken.wait(t);  // blocks: no spinning
    }
    if (fail)
      feed.fail(std::runtime_error("fed"));
    else
      feed.finish();
  }};
  sched.run();
  producer.join();
  out.failed = d.failed();
  return out;
}

TEST(CallbackThreads, ValuesFromAThreadArriveInOrderUnderEverySeed) {
  std::set<std::vector<int>> turns;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    const bool fail = seed % 2 == 1;
    fed_run r = fed_from_a_thread(seed, fail);
    ASSERT_EQ(r.values, (std::vector<int>{0, 1, 2})) << "seed " << seed;
    ASSERT_EQ(r.failed, fail) << "seed " << seed;  // after every value pushed before it
    turns.insert(r.seen_at);
  }
  EXPECT_GT(turns.size(), 1u);  // the wake-ups were taken in at varied turns
}

}  // namespace
