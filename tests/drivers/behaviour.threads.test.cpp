// SPDX-License-Identifier: BSL-1.0
// Wake-ups and calls from other threads, on the coflow scheduler and on the Boost.Asio driver.
#include "drivers/drivers.hpp"

#include <coflow/sources/from.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace coflow_behaviour_test {

template <class D>
class ThreadedDriver : public ::testing::Test {
 protected:
  D driver;
};

struct driver_names {
  template <class D>
  static std::string GetName(int) {
    return std::string{D::name};
  }
};

using drivers = ::testing::Types<coflow_test::scheduler_driver, coflow_test::asio_driver>;
TYPED_TEST_SUITE(ThreadedDriver, drivers, driver_names);

// The CPU time of this thread, which runs the loop: the producer's and a sanitizer runtime's
// threads are not counted, so a loaded or instrumented run does not blur the measure.
std::chrono::nanoseconds loop_thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
}

TYPED_TEST(ThreadedDriver, AParkedFlowUsesNoCpu) {
  coflow_test::mailbox<int> box;
  auto d = this->driver.spawn(box);
  // Both clocks start before the producer does: its 200 ms sleep is then inside the measure.
  const auto wall_start = std::chrono::steady_clock::now();
  const auto cpu_start = loop_thread_cpu_time();
  std::thread producer{[box] {
    std::this_thread::sleep_for(200ms);
    box.give(42);
    box.close();
  }};
  this->driver.run();  // blocks in the OS until the producer wakes the flow
  const auto cpu = loop_thread_cpu_time() - cpu_start;
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  producer.join();
  EXPECT_EQ(d.value(), std::vector<int>{42});
  EXPECT_GE(wall, 200ms);
  EXPECT_LT(cpu, 50ms) << "the loop spun while the flow was parked";
}

TYPED_TEST(ThreadedDriver, CallsFromFourThreadsAreNeverLost) {
  constexpr int threads = 4, calls = 10'000;
  int count = 0;  // touched only on the loop thread
  coflow::deferred<int> all_done;
  auto d = this->driver.spawn(coflow::from(all_done));  // keeps the loop alive until the end
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < calls; ++i) {
        this->driver.call_from_thread([&] {
          if (++count == threads * calls) all_done.callback(count);
        });
      }
    });
  }
  this->driver.run();
  for (auto& p : posters) p.join();
  EXPECT_EQ(count, threads * calls);
  EXPECT_EQ(d.value(), std::vector<int>{threads * calls});
}

TYPED_TEST(ThreadedDriver, WakesRacingWithParksAreNeverLost) {
  constexpr int items = 20'000;
  coflow_test::mailbox<int> box;
  auto d = this->driver.spawn(box);
  std::thread producer{[box] {
    for (int i = 0; i < items; ++i) box.give(i);
    box.close();
  }};
  this->driver.run();  // a lost wake-up would hang here
  producer.join();
  ASSERT_EQ(d.value().size(), static_cast<std::size_t>(items));
  for (int i = 0; i < items; ++i) ASSERT_EQ(d.value()[static_cast<std::size_t>(i)], i);
}

}  // namespace coflow_behaviour_test
