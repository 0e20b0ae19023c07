// SPDX-License-Identifier: BSL-1.0
// scan, enumerate, take_while, drop, drop_while, distinct_until_changed, chunk_by, sliding.
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/stages.hpp"

using coflow::cooperate;
using vi = std::vector<int>;
using vvi = std::vector<vi>;

namespace {

coflow::failure bad() {
  return coflow::failure::make(std::runtime_error("bad"));
}

/// What a pulled stage gives until its end, with "!" for a failure and "~" for a cooperate.
template <class S, class Text>
std::vector<std::string> pulled(S s, Text text) {
  std::vector<std::string> out;
  for (;;) {
    auto st = s.next();
    if (st.is_done()) return out;
    if (st.is_failure()) {
      out.emplace_back("!");
      continue;
    }
    if (st.is_cooperate()) {
      out.emplace_back("~");
      continue;
    }
    out.push_back(text(*st));
  }
}

std::string num(int x) {
  return std::to_string(x);
}

std::string nums(const vi& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "}";
}

/// Counts the values pulled through it: an adaptor that is complete must not pull again.
auto counting(int& pulled_count) {
  return coflow::map([&pulled_count](int x) {
    ++pulled_count;
    return x;
  });
}

using strings = std::vector<std::string>;

}  // namespace

// ---- scan ---------------------------------------------------------------------------------

TEST(Scan, GivesTheRunningFold) {
  EXPECT_EQ((coflow::iota(1, 5) | coflow::scan(0, std::plus<>{}) | coflow::to_vector()), (vi{1, 3, 6, 10}));
  auto longest = std::vector<std::string>{"a", "abc", "ab"} |
                 coflow::scan(std::size_t{0},
                              [](std::size_t m, const std::string& s) { return std::max(m, s.size()); }) |
                 coflow::to_vector();
  EXPECT_EQ(longest, (std::vector<std::size_t>{1, 3, 3}));
  EXPECT_TRUE((std::vector<int>{} | coflow::scan(7, std::plus<>{}) | coflow::to_vector()).empty());
}

TEST(Scan, AFailureAfterValuesComesAfterThemOnBothPaths) {
  auto pull = coflow::scripted<int>({1, cooperate{}, 2, bad(), 5}) | coflow::scan(0, std::plus<>{});
  EXPECT_EQ(pulled(std::move(pull), num), (strings{"1", "~", "3", "!"}));
  vi seen;
  auto push = coflow::iota(1, 6) | coflow::map([](int x) {
                if (x == 3) throw std::runtime_error("three");
                return x;
              }) |
              coflow::scan(0, std::plus<>{});
  EXPECT_THROW(std::move(push) | coflow::for_each([&](int x) { seen.push_back(x); }), std::runtime_error);
  EXPECT_EQ(seen, (vi{1, 3}));
}

TEST(Scan, AThrowingFunctionIsTheStagesFailure) {
  auto s = coflow::iota(1, 5) | coflow::scan(0, [](int a, int x) {
             if (x == 3) throw std::domain_error("x");
             return a + x;
           });
  EXPECT_EQ(pulled(std::move(s), num), (strings{"1", "3", "!"}));
}

// ---- enumerate ----------------------------------------------------------------------------

TEST(Enumerate, PairsEachValueWithItsIndex) {
  std::vector<std::string> names{"a", "b"};
  auto v = coflow::from(names) | coflow::enumerate | coflow::to_vector();
  using pair = std::pair<std::size_t, std::string&>;
  static_assert(std::is_same_v<coflow::value_t<decltype(coflow::from(names) | coflow::enumerate)>, pair>);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].first, 1u);
  EXPECT_EQ(&v[1].second, &names[1]);  // references into the range stay references
  auto s = coflow::scripted<int>({7, cooperate{}, 8, bad()}) | coflow::enumerate;
  EXPECT_EQ(pulled(std::move(s), [](auto p) { return num(static_cast<int>(p.first)) + ":" + num(p.second); }),
            (strings{"0:7", "~", "1:8", "!"}));
}

// ---- take_while ---------------------------------------------------------------------------

TEST(TakeWhile, StopsAtTheFirstRefusedValueAndPullsNoMore) {
  int n = 0;
  auto v =
      coflow::iota(1) | counting(n) | coflow::take_while([](int x) { return x < 4; }) | coflow::to_vector();
  EXPECT_EQ(v, (vi{1, 2, 3}));
  EXPECT_EQ(n, 4);  // the refused value was pulled, nothing after it
  int m = 0;
  auto pull = coflow::scripted<int>({1, cooperate{}, 5, 2, bad()}) | counting(m) |
              coflow::take_while([](int x) { return x < 4; });
  EXPECT_EQ(pulled(std::move(pull), num), (strings{"1", "~"}));
  EXPECT_EQ(m, 2);
}

TEST(TakeWhile, AFailureBeforeTheRefusedValueIsGiven) {
  auto s = coflow::scripted<int>({1, 2, bad(), 9}) | coflow::take_while([](int x) { return x < 4; });
  EXPECT_EQ(pulled(std::move(s), num), (strings{"1", "2", "!"}));
}

TEST(TakeWhile, DrivesOnceThenIsComplete) {
  auto t = coflow::iota(0) | coflow::take_while([](int x) { return x < 3; });
  static_assert(coflow::drivable<decltype(t)>);
  vi got;
  auto push = [&](int x) {
    got.push_back(x);
    return true;
  };
  t.drive(push);
  t.drive(push);
  EXPECT_EQ(got, (vi{0, 1, 2}));
  EXPECT_TRUE(t.next().is_done());
}

// ---- drop / drop_while --------------------------------------------------------------------

TEST(Drop, SkipsTheFirstN) {
  EXPECT_EQ((coflow::iota(0, 5) | coflow::drop(3) | coflow::to_vector()), (vi{3, 4}));
  EXPECT_TRUE((coflow::iota(0, 2) | coflow::drop(3) | coflow::to_vector()).empty());
  EXPECT_EQ((coflow::iota(0, 2) | coflow::drop(0) | coflow::to_vector()), (vi{0, 1}));
  EXPECT_EQ((coflow::iota(0, 4) | coflow::drop(std::integral_constant<int, 2>{}) | coflow::to_vector()),
            (vi{2, 3}));
  auto s = coflow::scripted<int>({1, cooperate{}, 2, 3, bad()}) | coflow::drop(1);
  EXPECT_EQ(pulled(std::move(s), num), (strings{"~", "2", "3", "!"}));
  auto early = coflow::scripted<int>({1, bad(), 3}) | coflow::drop(2);
  EXPECT_EQ(pulled(std::move(early), num), (strings{"!"}));  // a failure among the dropped still fails
}

TEST(Drop, ANegativeCountIsRefused) {
  try {
    (void)coflow::drop(-2);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "coflow::drop: the count must not be negative (it is -2)");
  }
}

TEST(DropWhile, GivesEverythingFromTheFirstRefusedValue) {
  int calls = 0;
  auto v = vi{0, 0, 1, 0, 2} | coflow::drop_while([&](int x) {
             ++calls;
             return x == 0;
           }) |
           coflow::to_vector();
  EXPECT_EQ(v, (vi{1, 0, 2}));
  EXPECT_EQ(calls, 3);  // not called after the first refusal
  auto s =
      coflow::scripted<int>({0, cooperate{}, 4, bad()}) | coflow::drop_while([](int x) { return x == 0; });
  EXPECT_EQ(pulled(std::move(s), num), (strings{"~", "4", "!"}));
}

// ---- distinct_until_changed ---------------------------------------------------------------

TEST(DistinctUntilChanged, LeavesOutConsecutiveDuplicates) {
  EXPECT_EQ((vi{1, 1, 2, 2, 2, 1, 3, 3} | coflow::distinct_until_changed() | coflow::to_vector()),
            (vi{1, 2, 1, 3}));
  auto by_len = std::vector<std::string>{"a", "b", "cc", "dd", "e"} |
                coflow::distinct_until_changed(&std::string::size) | coflow::to_vector();
  EXPECT_EQ(by_len, (std::vector<std::string>{"a", "cc", "e"}));
  auto s = coflow::scripted<int>({1, 1, cooperate{}, 1, 2, bad()}) | coflow::distinct_until_changed();
  EXPECT_EQ(pulled(std::move(s), num), (strings{"1", "~", "2", "!"}));
}

// ---- chunk_by -----------------------------------------------------------------------------

TEST(ChunkBy, GroupsRunsOfAdjacentValues) {
  auto runs =
      vi{1, 2, 4, 5, 6, 9} | coflow::chunk_by([](int a, int b) { return b == a + 1; }) | coflow::to_vector();
  EXPECT_EQ(runs, (vvi{{1, 2}, {4, 5, 6}, {9}}));
  auto by_key = vi{1, 3, 2, 4, 5} | coflow::chunk_by([](int x) { return x % 2; }) | coflow::to_vector();
  EXPECT_EQ(by_key, (vvi{{1, 3}, {2, 4}, {5}}));
  EXPECT_TRUE((vi{} | coflow::chunk_by(std::equal_to<>{}) | coflow::to_vector()).empty());
}

TEST(ChunkBy, TheLastRunGoesBeforeTheFailure) {
  auto s = coflow::scripted<int>({1, 1, cooperate{}, 2, 2, bad(), 3}) | coflow::chunk_by(std::equal_to<>{});
  // The run {1,1} is open at the cooperate: it is closed by the 2.
  EXPECT_EQ(pulled(std::move(s), nums), (strings{"~", "{1,1}", "{2,2}", "!"}));
  vvi seen;
  auto push = coflow::iota(0, 6) | coflow::map([](int x) {
                if (x == 5) throw std::runtime_error("five");
                return x / 2;
              }) |
              coflow::chunk_by(std::equal_to<>{});
  EXPECT_THROW(std::move(push) | coflow::for_each([&](vi v) { seen.push_back(std::move(v)); }),
               std::runtime_error);
  EXPECT_EQ(seen, (vvi{{0, 0}, {1, 1}, {2}}));
}

TEST(ChunkBy, AConsumerThatStopsAtARunStopsThePull) {
  int n = 0;
  auto first = coflow::iota(0) | counting(n) | coflow::chunk_by([](int a, int b) { return b / 3 == a / 3; }) |
               coflow::first();
  EXPECT_EQ(first, (vi{0, 1, 2}));
  EXPECT_EQ(n, 4);  // the value that closed the run, and no more
}

TEST(TupleValues, FlatMapAndTheKeyFunctionsTakeTheElements) {
  const vi a{1, 2, 2, 3}, b{10, 20, 20, 31};
  auto flat = coflow::zip(a, b) | coflow::flat_map([](int x, int y) {
                return vi{x, y};
              }) |
              coflow::to_vector();
  EXPECT_EQ(flat, (vi{1, 10, 2, 20, 2, 20, 3, 31}));
  auto distinct = coflow::zip(a, b) | coflow::distinct_until_changed([](int x, int y) { return x + y; }) |
                  coflow::map([](int x, int) { return x; }) | coflow::to_vector();
  EXPECT_EQ(distinct, (vi{1, 2, 3}));
  auto runs = coflow::zip(a, b) | coflow::chunk_by([](int, int y) { return y / 30; }) | coflow::to_vector();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].size(), 3u);
  EXPECT_EQ(std::get<0>(runs[1][0]), 3);
  // A function that takes the tuple itself still gets the tuple.
  auto whole = coflow::zip(a, b) | coflow::distinct_until_changed() | coflow::to_vector();
  EXPECT_EQ(whole.size(), 3u);
}

// ---- sliding ------------------------------------------------------------------------------

TEST(Sliding, GivesOverlappingWindows) {
  EXPECT_EQ((coflow::iota(0, 4) | coflow::sliding(2) | coflow::to_vector()), (vvi{{0, 1}, {1, 2}, {2, 3}}));
  EXPECT_TRUE((coflow::iota(0, 2) | coflow::sliding(3) | coflow::to_vector()).empty());
  EXPECT_EQ((coflow::iota(0, 2) | coflow::sliding(1) | coflow::to_vector()), (vvi{{0}, {1}}));
  EXPECT_THROW((void)coflow::sliding(0), std::invalid_argument);
  auto s = coflow::scripted<int>({1, 2, cooperate{}, 3, bad()}) | coflow::sliding(2);
  EXPECT_EQ(pulled(std::move(s), nums), (strings{"{1,2}", "~", "{2,3}", "!"}));
  auto bounded = coflow::iota(0) | coflow::sliding(5);
  EXPECT_EQ(bounded.max_buffered(), 5u);
}

// ---- all of them --------------------------------------------------------------------------

// The pipeline of the benchmark, and composed closures.
TEST(Adaptors, ComposeIntoOneFusedLoop) {
  auto running = coflow::scan(0, std::plus<>{}) | coflow::take_while([](int s) { return s < 20; });
  auto flow = coflow::iota(1) | running;
  static_assert(coflow::drivable<decltype(flow)>);
  static_assert(!coflow::can_cooperate_v<decltype(flow)>);
  EXPECT_EQ(std::move(flow) | coflow::fold(0, std::plus<>{}), 1 + 3 + 6 + 10 + 15);
  auto all = coflow::iota(0, 20) | coflow::drop(1) | coflow::drop_while([](int x) { return x < 3; }) |
             coflow::map([](int x) { return x / 2; }) | coflow::distinct_until_changed() |
             coflow::sliding(2) | coflow::enumerate | coflow::take(3) | coflow::to_vector();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].first, 2u);
  EXPECT_EQ(all[2].second, (vi{3, 4}));
}

// A flow of these adaptors cancelled on the scheduler is destroyed at once, its source too.
TEST(Adaptors, CancellingASpawnedFlowDestroysIt) {
  int destroyed = 0;
  coflow::scheduler sched;
  auto d = sched.spawn(coflow_test::parked_forever{&destroyed} | coflow::scan(0, std::plus<>{}) |
                       coflow::take_while([](int) { return true; }) | coflow::chunk_by(std::equal_to<>{}) |
                       coflow::sliding(2) | coflow::enumerate);
  bool fired_before = true;
  sched.call_later(cooperate::duration{0}, [&] {
    fired_before = d.fired();
    d.cancel();  // the flow is parked: only a cancel ends it
  });
  sched.run();
  EXPECT_FALSE(fired_before);
  EXPECT_EQ(destroyed, 1);
  EXPECT_TRUE(d.failed());
}

TEST(Adaptors, StaticProperties) {
  using plain = decltype(coflow::iota(0) | coflow::scan(0, std::plus<>{}) | coflow::enumerate);
  using coop = decltype(coflow::scripted<int>({}) | coflow::drop(1));
  static_assert(!coflow::can_cooperate_v<plain> && coflow::drivable<plain>);
  static_assert(coflow::can_cooperate_v<coop> && !coflow::drivable<coop>);
  static_assert(plain::stage_name == "enumerate");
  static_assert(coflow::buffer_bound_v<decltype(coflow::iota(0) | coflow::chunk_by(std::equal_to<>{}))> ==
                coflow::unbounded);
  static_assert(coflow::buffer_bound_v<decltype(coflow::iota(0) | coflow::drop(2))> == 0);
  SUCCEED();
}

// ---- concat -------------------------------------------------------------------------------

TEST(Concat, GivesOneBranchAfterAnother) {
  EXPECT_EQ((coflow::concat(vi{1, 2}, coflow::iota(5, 7), vi{}) | coflow::to_vector()), (vi{1, 2, 5, 6}));
  EXPECT_EQ((vi{1} | coflow::concat(vi{2}) | coflow::to_vector()), (vi{1, 2}));
  auto mixed = coflow::concat(vi{1}, std::vector<std::string>{"a"}) | coflow::to_vector();
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(std::get<std::string>(mixed[1]), "a");
  static_assert(coflow::drivable<decltype(coflow::concat(vi{1}, coflow::iota(0, 1)))>);
}

TEST(Concat, AFailureEndsItAndTheNextBranchIsNeverPulled) {
  int n = 0;
  auto s = coflow::concat(coflow::scripted<int>({1, cooperate{}, bad(), 2}), coflow::iota(7) | counting(n));
  EXPECT_EQ(pulled(std::move(s), num), (strings{"1", "~", "!"}));
  EXPECT_EQ(n, 0);
  auto t = coflow::concat(coflow::scripted<int>({1}), coflow::scripted<int>({cooperate{}, 2, bad()}));
  EXPECT_EQ(pulled(std::move(t), num), (strings{"1", "~", "2", "!"}));
}

TEST(Concat, AConsumerThatStopsInTheFirstBranchLeavesTheSecondUnpulled) {
  int n = 0;
  auto first_three = coflow::concat(coflow::iota(0, 2), coflow::iota(10) | counting(n)) | coflow::take(3) |
                     coflow::to_vector();
  EXPECT_EQ(first_three, (vi{0, 1, 10}));
  EXPECT_EQ(n, 1);
}

// ---- flat_map -----------------------------------------------------------------------------

TEST(FlatMap, GivesTheValuesOfEachInnerStageOrRange) {
  auto v =
      coflow::iota(1, 4) | coflow::flat_map([](int n) { return coflow::iota(0, n); }) | coflow::to_vector();
  EXPECT_EQ(v, (vi{0, 0, 1, 0, 1, 2}));
  auto w = vi{1, 2} | coflow::flat_map([](int x) { return vi(static_cast<std::size_t>(x), x); }) |
           coflow::to_vector();
  EXPECT_EQ(w, (vi{1, 2, 2}));
  static_assert(coflow::drivable<decltype(coflow::iota(0) |
                                          coflow::flat_map([](int n) { return coflow::iota(0, n); }))>);
}

TEST(FlatMap, CooperatesAndFailuresOfTheInnerStagePassThrough) {
  auto s = coflow::scripted<int>({1, cooperate{}, 2, 3}) | coflow::flat_map([](int x) {
             if (x == 3) throw std::runtime_error("three");
             return coflow::scripted<int>({x, cooperate{}, x * 10});
           });
  EXPECT_EQ(pulled(std::move(s), num), (strings{"1", "~", "10", "~", "2", "~", "20", "!"}));
  auto inner_fails = vi{1, 2} | coflow::flat_map([](int x) { return coflow::scripted<int>({x, bad()}); });
  EXPECT_EQ(pulled(std::move(inner_fails), num), (strings{"1", "!"}));
}

TEST(FlatMap, AFailureInTheFusedLoopComesAfterTheValuesBeforeIt) {
  vi seen;
  auto f = coflow::iota(1, 5) | coflow::flat_map([](int x) {
             if (x == 3) throw std::domain_error("three");
             return coflow::iota(0, x);
           });
  EXPECT_THROW(std::move(f) | coflow::for_each([&](int x) { seen.push_back(x); }), std::domain_error);
  EXPECT_EQ(seen, (vi{0, 0, 1}));
  int n = 0;
  auto two = coflow::iota(1) | counting(n) | coflow::flat_map([](int x) { return coflow::iota(0, x); }) |
             coflow::take(2) | coflow::to_vector();
  EXPECT_EQ(two, (vi{0, 0}));
  EXPECT_EQ(n, 2);  // an early stop inside the second inner stage pulls no third
}
