// SPDX-License-Identifier: BSL-1.0
// waker, current_waker and waker_scope: the handle a stage gives the producer of the event it
// waits on. The drivers' side of it (a wake before the park is remembered, a parked flow costs
// nothing) is tested with each driver; here, the handle itself, from one thread and from many.
#include <coflow/core/waker.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/to_vector.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace coflow_waker_test {

/// A driver's side of a waker, counting its wake-ups and its destruction.
struct counting_target final : coflow::waker::target {
  std::atomic<int> wakes{0};
  std::atomic<bool>* destroyed = nullptr;
  void wake() noexcept override { wakes.fetch_add(1, std::memory_order_relaxed); }
  ~counting_target() override {
    if (destroyed) *destroyed = true;
  }
};

/// Parks until `ready`, handing its waker to whoever waits on `handed` at its first pull.
struct waits_for_ready {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "waits_for_ready";
  using upstreams = decltype(boost::hana::tuple_t<>);

  std::shared_ptr<std::promise<coflow::waker>> handed;
  const std::atomic<bool>* ready;
  int pulls = 0;
  bool given = false;

  coflow::step<int> next() {
    ++pulls;
    if (handed) {
      handed->set_value(coflow::current_waker());
      handed.reset();
    }
    if (given) return coflow::done;
    if (!ready->load(std::memory_order_acquire)) return coflow::cooperate::park();
    given = true;
    return 42;
  }
};

}  // namespace coflow_waker_test

using namespace coflow_waker_test;

TEST(Waker, AnEmptyWakerIsFalseAndWakingItDoesNothing) {
  coflow::waker empty;
  EXPECT_FALSE(empty);
  empty.wake();  // harmless
  EXPECT_TRUE(empty == coflow::waker{});
  auto t = std::make_shared<counting_target>();
  coflow::waker w{t};
  EXPECT_TRUE(w);
  EXPECT_FALSE(w == empty);
  EXPECT_EQ(t->wakes, 0);
}

TEST(Waker, CopiesShareOneTargetAndEveryWakeReachesIt) {
  auto t = std::make_shared<counting_target>();
  coflow::waker w{t};
  coflow::waker copy = w;
  coflow::waker assigned;
  assigned = copy;
  EXPECT_TRUE(copy == w);
  EXPECT_TRUE(assigned == w);
  w.wake();
  copy.wake();
  assigned.wake();
  assigned.wake();
  EXPECT_EQ(t->wakes, 4);
  // Two wakers made from one `shared_ptr` wake the same target: they are equal.
  EXPECT_TRUE(coflow::waker{t} == w);
  // A waker of another target is another waker, though the targets are alike.
  auto other = std::make_shared<counting_target>();
  EXPECT_FALSE(coflow::waker{other} == w);
  EXPECT_EQ(other->wakes, 0);
}

TEST(Waker, KeepsItsTargetAliveUntilTheLastCopyGoes) {
  std::atomic<bool> destroyed{false};
  auto t = std::make_shared<counting_target>();
  t->destroyed = &destroyed;
  counting_target* raw = t.get();
  auto w = std::make_unique<coflow::waker>(std::move(t));
  coflow::waker copy = *w;
  w.reset();
  EXPECT_FALSE(destroyed);
  copy.wake();  // the driver that made it has let go: the target is still there
  EXPECT_EQ(raw->wakes, 1);
  copy = coflow::waker{};
  EXPECT_TRUE(destroyed);
}

TEST(CurrentWaker, IsEmptyOutsideADriverAndTheInnermostScopesInside) {
  EXPECT_FALSE(coflow::current_waker());
  coflow::waker outer{std::make_shared<counting_target>()};
  coflow::waker inner{std::make_shared<counting_target>()};
  {
    coflow::waker_scope a{outer};
    EXPECT_TRUE(coflow::current_waker() == outer);
    {
      coflow::waker_scope b{inner};
      EXPECT_TRUE(coflow::current_waker() == inner);
    }
    EXPECT_TRUE(coflow::current_waker() == outer);
  }
  EXPECT_FALSE(coflow::current_waker());
  static_assert(!std::is_copy_constructible_v<coflow::waker_scope>);
  static_assert(!std::is_copy_assignable_v<coflow::waker_scope>);
}

TEST(CurrentWaker, BelongsToTheThreadThatInstalledIt) {
  coflow::waker mine{std::make_shared<counting_target>()};
  coflow::waker theirs{std::make_shared<counting_target>()};
  coflow::waker_scope scope{mine};
  bool other_saw_none = false, other_saw_its_own = false;
  std::thread other{[&] {
    other_saw_none = !coflow::current_waker();
    coflow::waker_scope s{theirs};
    other_saw_its_own = coflow::current_waker() == theirs;
  }};
  other.join();
  EXPECT_TRUE(other_saw_none);
  EXPECT_TRUE(other_saw_its_own);
  EXPECT_TRUE(coflow::current_waker() == mine);
}

TEST(Waker, WakesFromManyThreadsAreAllDelivered) {
  auto t = std::make_shared<counting_target>();
  coflow::waker w{t};
  constexpr int threads = 4, each = 2000;
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([copy = w] {
      for (int j = 0; j < each; ++j) copy.wake();
    });
  for (auto& th : pool) th.join();
  EXPECT_EQ(t->wakes, threads * each);
}

TEST(Waker, WakesAParkedFlowFromAnotherThread) {
  std::atomic<bool> ready{false};
  auto handed = std::make_shared<std::promise<coflow::waker>>();
  std::future<coflow::waker> waker_of_the_flow = handed->get_future();
  std::thread producer{[&] {
    coflow::waker w = waker_of_the_flow.get();  // taken by the stage during its first pull
    std::this_thread::sleep_for(5ms);
    ready.store(true, std::memory_order_release);
    w.wake();
  }};
  // `| to_vector()` blocks this thread while the stage is parked: only the wake ends it.
  auto got = waits_for_ready{handed, &ready} | coflow::to_vector();
  producer.join();
  EXPECT_EQ(got, std::vector<int>{42});
}

TEST(Waker, IsHarmlessOnceTheFlowAndItsSchedulerAreGone) {
  std::atomic<bool> never{false};
  auto handed = std::make_shared<std::promise<coflow::waker>>();
  auto future = handed->get_future();
  coflow::deferred<std::vector<int>> d;
  {
    coflow::scheduler s;
    d = s.spawn(waits_for_ready{handed, &never});
    s.call_later(1ms, [&] { s.stop(); });
    s.run();
  }
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
  coflow::waker w = future.get();
  EXPECT_TRUE(w);  // the handle still holds its target
  w.wake();
  std::thread{[w] { w.wake(); }}.join();
  EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
}
