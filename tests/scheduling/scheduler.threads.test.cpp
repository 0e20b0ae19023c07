// SPDX-License-Identifier: BSL-1.0
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string_view>
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

namespace coflow_scheduler_threads_test {
// Hands its waker out, then parks for good.
struct grab_and_park {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "grab_and_park";
  using upstreams = decltype(boost::hana::tuple_t<>);
  coflow::waker* out;
  coflow::step<int> next() {
    *out = coflow::current_waker();
    return coflow::cooperate::park();
  }
};
}  // namespace coflow_scheduler_threads_test

using coflow_scheduler_threads_test::grab_and_park;

// A parked flow's waker shares the flow's slot, which counts the scheduler's slab: woken and
// dropped on another thread after the scheduler is gone, it frees the slot (and the slab) there.
TEST(SchedulerThreads, AWakerOutlivesItsSchedulerAndIsDroppedOnAnotherThread) {
  std::vector<coflow::waker> wakers(8);
  std::vector<coflow::deferred<std::vector<int>>> results;
  {
    coflow::scheduler s;
    for (auto& w : wakers) results.push_back(s.spawn(grab_and_park{&w}));
    s.call_later(1ms, [&] { s.stop(); });
    s.run();
    for (auto& w : wakers) EXPECT_TRUE(w);
  }
  std::thread other{[moved = std::move(wakers)]() mutable {
    for (auto& w : moved) w.wake();  // harmless: the flows are gone
    moved.clear();                   // the last owners of their slots
  }};
  other.join();
  for (auto& d : results) {
    ASSERT_TRUE(d.failed());
    EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
  }
}
