// SPDX-License-Identifier: BSL-1.0
// A fused pipeline allocates nothing per item: global operator new is counted here
// (support/count_allocations.hpp).
#include <coflow/control/block.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/fold.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/buffer.hpp>
#include <coflow/stages/filter.hpp>
#include <coflow/stages/map.hpp>

#include "support/count_allocations.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

namespace {
auto pipeline(const std::vector<std::int64_t>& v) {
  return coflow::from(v) | coflow::map([](std::int64_t i) { return i * 3; }) |
         coflow::filter([](std::int64_t i) { return i % 2 == 0; });
}
using fused = decltype(pipeline(std::declval<const std::vector<std::int64_t>&>()));
static_assert(coflow::drivable<fused>);
static_assert(!coflow::can_cooperate_v<fused>);

using cooperating = decltype(coflow::scripted<int>({}) | coflow::map([](int i) { return i; }) |
                             coflow::filter([](int) { return true; }));
static_assert(coflow::can_cooperate_v<cooperating>);
static_assert(!coflow::drivable<cooperating>);

// Allocations made while running (not building) the pipeline over n items, and its result.
std::pair<long, std::int64_t> run_fused(std::size_t n) {
  std::vector<std::int64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  auto p = pipeline(v);
  auto sum = coflow::fold(std::int64_t{0}, [](std::int64_t a, std::int64_t b) { return a + b; });
  long before = coflow_test::allocations.load();
  std::int64_t r = std::move(p) | sum;
  return {coflow_test::allocations.load() - before, r};
}

std::pair<long, std::int64_t> run_pulled(std::size_t n) {
  std::vector<coflow::step<std::int64_t>> script;
  for (std::size_t i = 0; i < n; ++i) {
    script.emplace_back(static_cast<std::int64_t>(i));
    if (i % 100 == 0) script.emplace_back(coflow::cooperate{});
  }
  auto p = coflow::scripted_source<std::int64_t>{std::move(script)} |
           coflow::map([](std::int64_t i) { return i * 3; }) |
           coflow::filter([](std::int64_t i) { return i % 2 == 0; });
  long before = coflow_test::allocations.load();
  std::int64_t r = 0;
  for (std::int64_t x : coflow::block(std::move(p))) r += x;
  return {coflow_test::allocations.load() - before, r};
}

// Allocations made while a scheduler runs `iota(0, n) | buffer(capacity)` into a fold, and
// its result.
std::pair<long, std::int64_t> run_buffered(std::int64_t n, std::size_t capacity) {
  coflow::scheduler sched;
  long before = coflow_test::allocations.load();
  auto d = sched.spawn(coflow::iota(std::int64_t{0}, n) | coflow::buffer(capacity),
                       coflow::fold(std::int64_t{0}, [](std::int64_t a, std::int64_t b) { return a + b; }));
  sched.run();
  return {coflow_test::allocations.load() - before, d.value()};
}

std::int64_t expected(std::int64_t n) {  // sum of 3i over even i < n
  std::int64_t s = 0;
  for (std::int64_t i = 0; i < n; i += 2) s += 3 * i;
  return s;
}
}  // namespace

TEST(Allocation, AFusedPipelineAllocatesNothingPerItem) {
  auto [small_allocs, small] = run_fused(1'000);
  auto [large_allocs, large] = run_fused(100'000);
  EXPECT_EQ(small, expected(1'000));
  EXPECT_EQ(large, expected(100'000));
  EXPECT_EQ(small_allocs, large_allocs);
  EXPECT_EQ(large_allocs, 0);
}

TEST(Allocation, APulledPipelineAllocatesTheSameForAnyItemCount) {
  auto [small_allocs, small] = run_pulled(1'000);
  auto [large_allocs, large] = run_pulled(100'000);
  EXPECT_EQ(small, expected(1'000));
  EXPECT_EQ(large, expected(100'000));
  EXPECT_EQ(small_allocs, large_allocs);
}

TEST(Allocation, TheCounterSeesAllocations) {
  long before = coflow_test::allocations.load();
  auto p = std::make_unique<std::vector<int>>(10);
  EXPECT_GE(coflow_test::allocations.load() - before, 2);
}

// A spawned flow is a slot carved from the scheduler's slab: spawning calls operator new
// for the slab's chunks and the run queue, not once per flow (the deferred shares the slot).
TEST(Allocation, SpawningManyFlowsCallsOperatorNewForChunksNotPerFlow) {
  constexpr int flows = 20'000;
  coflow::scheduler sched;
  std::vector<coflow::deferred<std::vector<int>>> results;
  results.reserve(flows);
  long before = coflow_test::allocations.load();
  for (int i = 0; i < flows; ++i) results.push_back(sched.spawn(coflow::scripted<int>({})));
  long spawning = coflow_test::allocations.load() - before;
  sched.run();
  EXPECT_LT(spawning, flows / 100);  // about 50 chunks of 64 KiB and a dozen queue arrays
  for (auto& d : results) EXPECT_TRUE(d.succeeded());
}

TEST(Allocation, ABufferOnASchedulerAllocatesTheSameForAnyItemCount) {
  for (std::size_t capacity : {std::size_t{1}, std::size_t{16}, std::size_t{256}}) {
    auto [small_allocs, small] = run_buffered(1'000, capacity);
    auto [large_allocs, large] = run_buffered(20'000, capacity);
    EXPECT_EQ(small, 999 * 1'000 / 2);
    EXPECT_EQ(large, std::int64_t{19'999} * 20'000 / 2);
    EXPECT_EQ(small_allocs, large_allocs) << "buffer(" << capacity << ")";
  }
}
