// SPDX-License-Identifier: BSL-1.0
// Replayable schedules: merge and concurrent run under 1,000 seeds each, every schedule
// keeping each branch's values in order and losing none; a seed replays its schedule.
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

using coflow::cooperate;

namespace {

constexpr std::uint64_t seeds = 1000;

/// Pushes `base, base + 1, ...` (n values) into `feed`, one per turn, then finishes it.
coflow::generator<int> produce(coflow::callback<int> feed, int base, int n) {
  for (int i = 0; i < n; ++i) {
    feed.push(base + i);
    co_yield cooperate{};
  }
  feed.finish();
}

/// Two producer flows feeding callbacks, and `combine(a, b)` collecting them, on a scheduler
/// replaying `seed`. Gives the values (as branch-tagged numbers) in the order seen.
template <class Combine, class Tag>
std::vector<int> scenario(std::uint64_t seed, Combine combine, Tag tag) {
  coflow::scheduler s;
  s.replay_seed(seed);
  auto [fa, a] = coflow::make_callback<int>();
  auto [fb, b] = coflow::make_callback<int>();
  auto got = s.spawn(combine(std::move(a), std::move(b)) | coflow::map(tag));
  s.spawn(produce(std::move(fa), 0, 4));
  s.spawn(produce(std::move(fb), 100, 3));
  s.run();
  return got.value();
}

/// Each branch's values in order, none lost or repeated.
testing::AssertionResult each_branch_in_order(const std::vector<int>& got) {
  std::vector<int> a, b;
  for (int x : got) (x < 100 ? a : b).push_back(x);
  if (a == std::vector<int>{0, 1, 2, 3} && b == std::vector<int>{100, 101, 102})
    return testing::AssertionSuccess();
  std::string text;
  for (int x : got) text += std::to_string(x) + " ";
  return testing::AssertionFailure() << "values out of order or lost: " << text;
}

template <class Combine, class Tag>
void under_every_seed(Combine combine, Tag tag) {
  std::set<std::vector<int>> orders;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    auto got = scenario(seed, combine, tag);
    ASSERT_TRUE(each_branch_in_order(got)) << "seed " << seed << " (replay it with scheduler::replay_seed)";
    orders.insert(std::move(got));
  }
  EXPECT_GT(orders.size(), 1u);  // the seeds did vary the schedule
}

constexpr auto same = [](int x) { return x; };
constexpr auto untag = [](std::pair<std::size_t, int> p) { return p.second; };
constexpr auto merge_two = [](auto a, auto b) { return coflow::merge(std::move(a), std::move(b)); };
constexpr auto concurrent_two = [](auto a, auto b) { return coflow::concurrent(std::move(a), std::move(b)); };

}  // namespace

TEST(Replay, MergeKeepsEachBranchInOrderUnderEverySeed) {
  under_every_seed(merge_two, same);
}

TEST(Replay, ConcurrentKeepsEachBranchInOrderUnderEverySeed) {
  under_every_seed(concurrent_two, untag);
}

TEST(Replay, ASeedReplaysItsSchedule) {
  for (std::uint64_t seed : {3u, 17u, 912u})
    EXPECT_EQ(scenario(seed, merge_two, same), scenario(seed, merge_two, same));
  coflow::scheduler s;
  EXPECT_FALSE(s.seed().has_value());
  s.replay_seed(42);
  EXPECT_EQ(s.seed(), 42u);
}
