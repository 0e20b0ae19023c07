// SPDX-License-Identifier: BSL-1.0
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

TEST(SchedulerThreads, CallFromThreadFromFourThreadsLosesNone) {
  constexpr int threads = 4, calls = 10'000;
  coflow::scheduler s;
  int count = 0;
  coflow::deferred<int> all;
  auto keep_alive = s.spawn(coflow::from(all));
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&] {
      for (int i = 0; i < calls; ++i)
        s.call_from_thread([&] {
          if (++count == threads * calls) all.callback(count);
        });
    });
  s.run();
  for (auto& p : posters) p.join();
  EXPECT_EQ(count, threads * calls);
  EXPECT_TRUE(keep_alive.succeeded());
}

TEST(SchedulerThreads, CallFromThreadWakesALoopAsleepOnALongTimer) {
  coflow::scheduler s;
  auto sleeper = s.spawn(coflow::scripted<int>({coflow::cooperate{30s}, 1}));
  std::thread t{[&] {
    std::this_thread::sleep_for(20ms);
    s.call_from_thread([&] { sleeper.cancel(); });
  }};
  const auto start = std::chrono::steady_clock::now();
  s.run();
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);  // woken by the call, not the timer
  EXPECT_TRUE(sleeper.error().is<coflow::cancelled_error>());
}

TEST(SchedulerThreads, StopFromAnotherThread) {
  coflow::scheduler s;
  coflow::deferred<int> never;
  auto parked = s.spawn(coflow::from(never));
  std::thread t{[&] {
    std::this_thread::sleep_for(10ms);
    s.stop();
  }};
  s.run();
  t.join();
  EXPECT_FALSE(parked.fired());
  EXPECT_EQ(s.flows(), 1u);
}
