// SPDX-License-Identifier: BSL-1.0
// Replayable schedules: merge, concurrent, tee, buffer and zip run under 1,000 seeds each,
// every schedule keeping each branch's values in order, losing none and placing a failure
// after the values before it; a seed replays its schedule. And tee's own behaviour.
#include <coflow/coflow.hpp>
#include "support/stages.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <type_traits>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

using coflow::cooperate;
using coflow_test::slowly;

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

// ---- tee ----------------------------------------------------------------------------------

namespace {

/// A callback-fed source teed to two consumer flows, one stopping after `stop_b` values, on a
/// scheduler replaying `seed`.
std::pair<std::vector<int>, std::vector<int>> teed(std::uint64_t seed, std::size_t stop_b) {
  coflow::scheduler s;
  s.replay_seed(seed);
  auto [feed, events] = coflow::make_callback<int>();
  auto [a, b] = coflow::tee<2, 2>(std::move(events));
  auto got_a = s.spawn(std::move(a));
  auto got_b = s.spawn(std::move(b) | coflow::take(stop_b));
  s.spawn(produce(std::move(feed), 0, 6));
  s.run();
  return {got_a.value(), got_b.value()};
}

}  // namespace

TEST(Replay, TeeGivesEveryBranchEveryValueUnderEverySeed) {
  const std::vector<int> all{0, 1, 2, 3, 4, 5};
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    auto [a, b] = teed(seed, seed % 2 ? 2 : 100);  // b stops early under odd seeds
    ASSERT_EQ(a, all) << "seed " << seed;
    const std::vector<int> want_b = seed % 2 ? std::vector<int>{0, 1} : all;
    ASSERT_EQ(b, want_b) << "seed " << seed;
  }
}

TEST(Tee, TheFastBranchWaitsForTheSlowOneWithinTheCapacity) {
  coflow::scheduler s;
  auto [a, b] = coflow::tee<2, 3>(coflow::iota(0, 50));
  std::vector<int> lead;  // how far one branch is ahead of the other when it takes a value
  int taken_b = 0, taken_a = 0;
  auto da = s.spawn(std::move(a) | coflow::map([&](int x) {
                      lead.push_back(++taken_a - taken_b);
                      return x;
                    }));
  auto db = s.spawn(std::move(b) | coflow::map([&](int x) {
                      lead.push_back(++taken_b - taken_a);
                      return x;
                    }));
  s.run();
  EXPECT_EQ(da.value().size(), 50u);
  EXPECT_EQ(db.value().size(), 50u);
  EXPECT_EQ(*std::max_element(lead.begin(), lead.end()), 3);  // the capacity, reached
  using branch = std::remove_cvref_t<decltype(a)>;
  static_assert(coflow::flow_traits<branch>::buffer_bound == 3);
  static_assert(coflow::flow_traits<branch>::can_cooperate);
}

TEST(Tee, AFailureReachesEveryBranchAfterTheValues) {
  coflow::scheduler s;
  auto [a, b] = coflow::tee<2>(
      coflow::scripted<int>({1, cooperate{}, 2, coflow::failure::make(std::runtime_error("x"))}));
  std::vector<int> seen_a, seen_b;
  auto da = s.spawn(std::move(a), coflow::for_each([&](int x) { seen_a.push_back(x); }));
  auto db = s.spawn(std::move(b), coflow::for_each([&](int x) { seen_b.push_back(x); }));
  s.run();
  EXPECT_EQ(seen_a, (std::vector<int>{1, 2}));
  EXPECT_EQ(seen_b, (std::vector<int>{1, 2}));
  EXPECT_TRUE(da.failed());
  EXPECT_TRUE(db.failed());
}

TEST(Tee, ACancelledBranchDoesNotHoldTheOthersBack) {
  int taken_b = 0;
  coflow::scheduler s;
  auto [a, b] = coflow::tee<2, 1>(coflow::iota(0, 10));
  auto da = s.spawn(std::move(a));
  auto db = s.spawn(std::move(b) | coflow::map([&](int x) {
                      ++taken_b;
                      return x;
                    }));
  db.cancel();  // before it ever runs
  s.run();
  EXPECT_EQ(da.value().size(), 10u);
  EXPECT_EQ(taken_b, 0);
}

// ---- buffer ---------------------------------------------------------------------------------

namespace {

struct buffered_run {
  std::vector<int> values;
  bool failed = false;
  int most_ahead = 0;  // the most values the upstream gave before the consumer took them
};

/// An upstream that cooperates between values (and fails at its end when `fail`) feeding
/// `buffer(n)` and a consumer that cooperates, on a scheduler replaying `seed`.
buffered_run buffered(std::uint64_t seed, std::size_t n, bool fail) {
  coflow::scheduler s;
  s.replay_seed(seed);
  buffered_run out;
  int produced = 0, consumed = 0;
  const coflow::step<int> end = fail
                                    ? coflow::step<int>{coflow::failure::make(std::runtime_error("upstream"))}
                                    : coflow::step<int>{coflow::done};
  auto up = coflow::scripted<int>(
                {0, cooperate{}, 1, cooperate{}, 2, 3, cooperate{}, 4, 5, 6, cooperate{}, 7, end}) |
            coflow::map([&](int x) {
              ++produced;
              out.most_ahead = std::max(out.most_ahead, produced - consumed);
              return x;
            });
  auto d = s.spawn(slowly(std::move(up) | coflow::buffer(n) | coflow::map([&](int x) {
                            ++consumed;
                            return x;
                          })),
                   coflow::for_each([&](int x) { out.values.push_back(x); }));
  s.run();
  out.failed = d.failed();
  return out;
}

}  // namespace

TEST(Replay, BufferKeepsOrderAndItsCapacityUnderEverySeed) {
  const std::vector<int> all{0, 1, 2, 3, 4, 5, 6, 7};
  for (std::size_t n : {1u, 3u}) {
    int most = 0;
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      const bool fail = seed % 2 == 1;
      buffered_run r = buffered(seed, n, fail);
      ASSERT_EQ(r.values, all) << "n " << n << ", seed " << seed;
      ASSERT_EQ(r.failed, fail) << "n " << n << ", seed " << seed;
      ASSERT_LE(r.most_ahead, static_cast<int>(n)) << "n " << n << ", seed " << seed;
      most = std::max(most, r.most_ahead);
    }
    EXPECT_EQ(most, static_cast<int>(n));  // some schedule filled the buffer
  }
}

// ---- zip ------------------------------------------------------------------------------------

namespace {

/// Pushes `base, base + 1, ...` (n values) into `feed`, one per turn, noting each push in
/// `log`, then fails it (when `fail`) or finishes it.
coflow::generator<int> produce_logged(coflow::callback<int> feed, int base, int n, bool fail,
                                      std::string& log) {
  for (int i = 0; i < n; ++i) {
    feed.push(base + i);
    log += base == 0 ? 'a' : 'b';
    co_yield cooperate{};
  }
  if (fail)
    feed.fail(std::runtime_error("b failed"));
  else
    feed.finish();
}

struct zipped_run {
  std::vector<std::pair<int, int>> values;
  bool failed = false;
  std::string pushes;  // the order in which the two producers ran
};

/// `zip` of two callbacks fed by producer flows (four values and three, the second failing
/// after them when `fail`), on a scheduler replaying `seed`.
zipped_run zipped(std::uint64_t seed, bool fail) {
  coflow::scheduler s;
  s.replay_seed(seed);
  zipped_run out;
  auto [fa, a] = coflow::make_callback<int>();
  auto [fb, b] = coflow::make_callback<int>();
  auto d = s.spawn(coflow::zip(std::move(a), std::move(b)), coflow::for_each([&](std::tuple<int, int> t) {
                     out.values.emplace_back(std::get<0>(t), std::get<1>(t));
                   }));
  s.spawn(produce_logged(std::move(fa), 0, 4, false, out.pushes));
  s.spawn(produce_logged(std::move(fb), 100, 3, fail, out.pushes));
  s.run();
  out.failed = d.failed();
  return out;
}

}  // namespace

TEST(Replay, ZipPairsTheBranchesInOrderAndPlacesAFailureUnderEverySeed) {
  const std::vector<std::pair<int, int>> want{{0, 100}, {1, 101}, {2, 102}};
  std::set<std::string> schedules;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    const bool fail = seed % 2 == 1;
    zipped_run r = zipped(seed, fail);
    ASSERT_EQ(r.values, want) << "seed " << seed;  // the failure comes after the three pairs
    ASSERT_EQ(r.failed, fail) << "seed " << seed;
    schedules.insert(r.pushes);
  }
  EXPECT_GT(schedules.size(), 1u);  // the seeds did vary the schedule
}
