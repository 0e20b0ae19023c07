// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>
#include <coflow/profiling/instrument.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/threads/threaded.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// A `next()`-style countdown from `from` to 1 that sleeps before each value.
auto countdown(int from, std::chrono::milliseconds pause, std::atomic<int>* produced = nullptr) {
  return [=]() mutable -> std::optional<int> {
    if (from == 0) return std::nullopt;
    std::this_thread::sleep_for(pause);
    if (produced) ++*produced;
    return from--;
  };
}

template <class S>
std::vector<coflow::stored_value_t<std::remove_cvref_t<S>>> collect(S&& s) {
  std::vector<coflow::stored_value_t<std::remove_cvref_t<S>>> out;
  for (auto&& v : coflow::block(std::forward<S>(s))) out.push_back(std::move(v));
  return out;
}

// Waits (bounded) until `pred()` holds; for setting up a state, never for asserting timing.
template <class P>
bool eventually(P pred) {
  for (int i = 0; i < 5000 && !pred(); ++i) std::this_thread::sleep_for(1ms);
  return pred();
}

// An endless range that counts how many of it are alive, and on which thread it died.
struct counted_range {
  std::atomic<int>* live;
  std::atomic<int>* made;
  explicit counted_range(std::atomic<int>* l, std::atomic<int>* m) : live{l}, made{m} { ++*live; }
  counted_range(counted_range&& o) noexcept : live{o.live}, made{o.made} { ++*live; }
  ~counted_range() { --*live; }
  struct iterator {
    using value_type = int;
    using difference_type = std::ptrdiff_t;
    counted_range* r;
    int i;
    int operator*() const { return i; }
    iterator& operator++() {
      ++i;
      ++*r->made;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator&, std::unreachable_sentinel_t) { return false; }
  };
  iterator begin() { return {this, 0}; }
  std::unreachable_sentinel_t end() const { return {}; }
};
static_assert(std::ranges::input_range<counted_range>);

}  // namespace

TEST(Threaded, CountsDownThroughBlock) {
  EXPECT_EQ(collect(coflow::threaded([] { return countdown(5, 5ms); })), (std::vector{5, 4, 3, 2, 1}));
}

TEST(Threaded, ConsumerStartingLateLosesNothing) {
  // Lazily started: the worker starts on the first pull, after the sleep.
  auto lazy = coflow::threaded([] { return countdown(5, 2ms); });
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(collect(std::move(lazy)), (std::vector{5, 4, 3, 2, 1}));

  // Eagerly started: every value is produced and buffered before the first pull.
  std::atomic<int> produced{0};
  auto eager = coflow::threaded([&] { return countdown(5, 2ms, &produced); }, {.eager = true});
  ASSERT_TRUE(eventually([&] { return produced == 5; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(collect(std::move(eager)), (std::vector{5, 4, 3, 2, 1}));
}

TEST(Threaded, ARangeFactoryWorks) {
  auto s = coflow::threaded([] { return std::vector<int>{1, 2, 3}; });
  EXPECT_EQ(collect(std::move(s)), (std::vector{1, 2, 3}));
  auto v = coflow::threaded([] { return std::views::iota(0, 1000); }, {.capacity = 8, .batch = 3});
  std::vector<int> want(1000);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(collect(std::move(v)), want);
}

// A batch larger than the ring once made the worker wait for room before it woke the parked
// flow, which waited for the worker: every combination must now end with every value.
TEST(Threaded, AnyCapacityAndBatchDeliverEveryValue) {
  const std::vector<int> want(100, 7);
  for (std::size_t capacity : {1u, 2u, 3u, 8u, 64u, 1024u}) {
    for (std::size_t batch : {1u, 3u, 8u, 9u, 100u, 1000u}) {
      for (bool eager : {false, true}) {
        SCOPED_TRACE(testing::Message()
                     << "capacity " << capacity << " batch " << batch << " eager " << eager);
        const coflow::threaded_options o{.capacity = capacity, .batch = batch, .eager = eager};
        auto make = [&] { return coflow::threaded([] { return std::vector<int>(100, 7); }, o); };
        EXPECT_EQ(collect(make()), want);
        coflow::scheduler sched;
        auto d = sched.spawn(make());
        sched.run();
        EXPECT_EQ(d.value(), want);
      }
    }
  }
}

TEST(Threaded, WorkerExceptionArrivesAfterItsValues) {
  auto s = coflow::threaded([] {
    return [i = 0]() mutable -> std::optional<int> {
      if (i == 3) throw std::out_of_range("no more");
      return ++i;
    };
  });
  std::vector<int> got;
  EXPECT_THROW(
      {
        for (int v : coflow::block(std::move(s))) got.push_back(v);
      },
      std::out_of_range);
  EXPECT_EQ(got, (std::vector{1, 2, 3}));
}

TEST(Threaded, AFailureIsAStepBeforeTheEdge) {
  auto s = coflow::threaded([]() -> std::vector<int> { throw std::invalid_argument("bad"); });
  coflow::detail::blocking_puller<decltype(s)> puller;
  auto st = puller.pull(s);
  ASSERT_TRUE(st.is_failure());
  EXPECT_TRUE(st.error().is<std::invalid_argument>());
  EXPECT_TRUE(puller.pull(s).is_done());
}

TEST(Threaded, EarlyDropJoinsTheWorkerAndLeaksNothing) {
  std::atomic<int> live{0}, made{0};
  {
    auto b = coflow::block(coflow::threaded([&] { return counted_range{&live, &made}; }));
    std::vector<int> got;
    for (int v : b) {
      got.push_back(v);
      if (got.size() == 2) break;
    }
    EXPECT_EQ(got, (std::vector{0, 1}));
  }
  EXPECT_EQ(live, 0);  // the worker's range is gone: the worker ended and was joined
  EXPECT_GE(made, 1);
}

TEST(Threaded, AWorkerBlockedOnAFullRingIsWokenAndJoinedOnDrop) {
  std::atomic<int> live{0}, made{0};
  {
    auto s = coflow::threaded(
        [&] {
          return counted_range{&live, &made};
        },
        {.capacity = 4, .batch = 1, .eager = true});
    // Never pulled: the worker fills the 4 slots, then waits for room.
    // 4 values in the ring, the fifth made and waiting for room.
    ASSERT_TRUE(eventually([&] { return made >= 4; }));
    std::this_thread::sleep_for(10ms);
    EXPECT_EQ(made.load(), 4);  // backpressure: it did not run ahead of the ring
    EXPECT_EQ(live, 1);
  }
  EXPECT_EQ(live, 0);
}

TEST(Threaded, AFactoryTakingAStopTokenSeesTheStop) {
  std::atomic<bool> blocking{false}, saw_stop{false};
  {
    auto b = coflow::block(coflow::threaded([&](coflow::stop_token st) {
      // One value, then a blocking call that gives up when the stop is requested.
      return [&, st, i = 0]() mutable -> std::optional<int> {
        if (i == 0) return i++;
        blocking = true;
        while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
        saw_stop = true;
        return std::nullopt;
      };
    }));
    auto it = b.begin();
    EXPECT_EQ(*it, 0);
    ASSERT_TRUE(eventually([&] { return blocking.load(); }));
  }  // the drop requests the stop and joins
  EXPECT_TRUE(saw_stop);
}

TEST(Threaded, BuildingAndMovingStartsNoThread) {
  std::atomic<bool> called{false};
  {
    auto s = coflow::threaded([&] {
      called = true;
      return std::vector<int>{1};
    });
    auto moved = std::move(s);
    std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(called);
    EXPECT_EQ(collect(std::move(moved)), (std::vector{1}));
  }
  EXPECT_TRUE(called);
}

TEST(Threaded, CarriesMoveOnlyValues) {
  auto s = coflow::threaded(
      [] {
        return [i = 0]() mutable -> std::optional<std::unique_ptr<int>> {
          if (i == 100) return std::nullopt;
          return std::make_unique<int>(i++);
        };
      },
      {.capacity = 16, .batch = 5});
  int expect = 0;
  for (auto& p : coflow::block(std::move(s))) EXPECT_EQ(*p, expect++);
  EXPECT_EQ(expect, 100);
}

TEST(Threaded, FeedsStagesAndSinks) {
  auto sum = coflow::threaded([] { return std::views::iota(1, 101); }) |
             coflow::map([](int x) { return x * 2; }) | coflow::fold(0, std::plus<>{});
  EXPECT_EQ(sum, 10100);
}

TEST(Threaded, ChunksTunnelledOrFlattened) {
  auto chunks = [] {
    return [i = 0]() mutable -> std::optional<std::vector<int>> {
      static const std::vector<std::vector<int>> all{{1, 2, 3}, {4}, {}, {5, 6}};
      if (i == 4) return std::nullopt;
      return all[static_cast<std::size_t>(i++)];
    };
  };
  auto tunnelled = coflow::threaded(chunks);
  static_assert(std::is_same_v<coflow::value_t<decltype(tunnelled)>, std::vector<int>>);
  EXPECT_EQ(collect(std::move(tunnelled)), (std::vector<std::vector<int>>{{1, 2, 3}, {4}, {}, {5, 6}}));

  auto flat = coflow::threaded_chunks(chunks, {.capacity = 2, .batch = 1});
  static_assert(std::is_same_v<coflow::value_t<decltype(flat)>, int>);
  EXPECT_EQ(collect(std::move(flat)), (std::vector{1, 2, 3, 4, 5, 6}));
}

TEST(Threaded, StatesItsProperties) {
  using S = decltype(coflow::threaded([] { return std::vector<int>{}; }));
  static_assert(coflow::stage<S>);
  static_assert(coflow::can_cooperate_v<S>);
  static_assert(coflow::uses_threads_v<S>);
  static_assert(coflow::buffer_bound_v<S> >= coflow::threaded_options::max_capacity);
  static_assert(S::stage_name == "threaded");
  static_assert(!std::is_copy_constructible_v<S>);
  auto s = coflow::threaded([] { return std::vector<int>{}; }, {.capacity = 5, .batch = 3});
  EXPECT_EQ(s.buffer_capacity(), 8u + 3u);
  // Neither a range nor a next()-style callable: not a factory.
  static_assert(!coflow::detail::threaded_factory<decltype([] { return 42; })>);
  static_assert(
      coflow::detail::threaded_factory<decltype([](coflow::stop_token) { return std::vector<int>{}; })>);
}

TEST(Threaded, AMovedFromStageIsEmpty) {
  auto a = coflow::threaded([] { return std::vector<int>{1, 2}; });
  auto b = std::move(a);
  EXPECT_TRUE(a.next().is_done());  // NOLINT(bugprone-use-after-move): that is the point
  EXPECT_EQ(collect(std::move(b)), (std::vector{1, 2}));
}

namespace {

// instrument: the worker reports the ring's high-water mark and the time it waited for room.
// The flow takes one value and waits (bounded by count) until the worker filled the ring of 16:
// with 1000 values to publish the worker then waits for room.
TEST(Threaded, InstrumentCountsTheRing) {
  auto [flow, stats] = coflow::instrument(
      coflow::threaded([] { return std::vector<int>(1000, 7); }, {.capacity = 16, .batch = 4}) |
      coflow::map([](int i) { return i + 1; }));
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_TRUE(stats[0].counts_ring());
  EXPECT_FALSE(stats[1].counts_ring());
  auto first = flow.next();
  while (first.is_cooperate()) first = flow.next();
  ASSERT_TRUE(first.has_value());
  for (long spins = 0; stats[0].ring_high_water() < 16 && spins < 100'000'000; ++spins)
    std::this_thread::yield();
  EXPECT_EQ(stats[0].ring_high_water(), 16u);
  std::size_t n = 1;
  for (auto s = flow.next(); !s.is_done(); s = flow.next())
    if (s.has_value()) ++n;
  EXPECT_EQ(n, 1000u);
  EXPECT_EQ(stats[0].items, 1000u);
  EXPECT_EQ(stats[1].items, 1000u);
  EXPECT_LE(stats[0].ring_high_water(), 16u);
  EXPECT_GT(stats[0].worker_blocked().count(), 0);
  EXPECT_NE(stats.to_table().find("ring hw  blocked us"), std::string::npos) << stats;
}

// An eager threaded source has started when it is instrumented: it runs as it is, uncounted.
TEST(Threaded, InstrumentOfAStartedWorkerRunsIt) {
  auto [flow, stats] = coflow::instrument(coflow::threaded(
      [] {
        return std::vector<int>{1, 2, 3};
      },
      {.eager = true}));
  EXPECT_FALSE(stats[0].counts_ring());
  EXPECT_EQ(coflow::block(std::move(flow)) | coflow::to_vector(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(stats[0].items, 3u);
}

}  // namespace
