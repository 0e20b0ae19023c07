// SPDX-License-Identifier: BSL-1.0
#include <coflow/stages/merge.hpp>

#include <coflow/control/block.hpp>
#include <coflow/introspection/describe.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/callback.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using namespace std::chrono_literals;

namespace {

using coflow::cooperate;
using str_or_int = std::variant<std::string, int>;

template <class S>
std::vector<std::remove_cvref_t<coflow::value_t<S>>> pull_all(S& s) {
  std::vector<std::remove_cvref_t<coflow::value_t<S>>> out;
  for (auto&& v : coflow::block(s)) out.push_back(v);
  return out;
}

TEST(Merge, InterleavesInReadinessOrderACooperatingBranchLetsTheOtherRun) {
  auto m = coflow::merge(coflow::scripted<std::string>({"one", "two", cooperate{}, "three"}),
                         coflow::from(std::vector{1, 2, 3}));
  static_assert(std::is_same_v<coflow::value_t<decltype(m)>, str_or_int>);
  static_assert(decltype(m)::can_cooperate);
  EXPECT_EQ(pull_all(m), (std::vector<str_or_int>{"one", 1, "two", 2, 3, "three"}));
}

TEST(Merge, BranchesOfOneTypeMergeToThatTypeAndAlternate) {
  auto m = coflow::from({1, 2, 3}) | coflow::merge(coflow::from({10, 20}));
  static_assert(std::is_same_v<coflow::value_t<decltype(m)>, int>);
  static_assert(!decltype(m)::can_cooperate);
  EXPECT_EQ(pull_all(m), (std::vector<int>{1, 10, 2, 20, 3}));
}

TEST(Merge, ReferenceBranchesKeepReferencesAndMixedOnesDecay) {
  std::vector<int> a{1, 2};
  std::vector<int> b{3};
  auto refs = coflow::merge(coflow::from(a), coflow::from(b));
  static_assert(std::is_same_v<coflow::value_t<decltype(refs)>, int&>);
  auto s = refs.next();
  *s += 100;
  EXPECT_EQ(a[0], 101);
  auto mixed = coflow::merge(coflow::from(a), coflow::from(std::vector{7}));
  static_assert(std::is_same_v<coflow::value_t<decltype(mixed)>, int>);
  EXPECT_EQ(pull_all(mixed), (std::vector<int>{101, 7, 2}));
}

TEST(Merge, ThreeBranchesOfDistinctTypesGiveAVariantOfTheDistinctTypes) {
  auto m = coflow::merge(coflow::from({1, 2}), coflow::from({std::string("x")}), coflow::from({3}),
                         coflow::from({2.5}));
  static_assert(std::is_same_v<coflow::value_t<decltype(m)>, std::variant<int, std::string, double>>);
  using V = std::variant<int, std::string, double>;
  EXPECT_EQ(pull_all(m), (std::vector<V>{1, std::string("x"), 3, 2.5, 2}));
}

TEST(Merge, CooperatesOnlyWhenEveryLiveBranchDoesWithTheEarliestTimer) {
  auto m = coflow::merge(coflow::scripted<int>({cooperate{5ms}, 1}),
                         coflow::scripted<int>({cooperate{2ms}, cooperate::park(), 2}),
                         coflow::scripted<int>({cooperate::park(), cooperate::park(), 3}));
  auto s = m.next();
  ASSERT_TRUE(s.is_cooperate());
  EXPECT_EQ(s.cooperation().timeout(), 2ms);
  EXPECT_FALSE(s.cooperation().parked());
  EXPECT_EQ(*m.next(), 1);
  s = m.next();  // branches 1 and 2 park, branch 0 ends: the merge parks
  ASSERT_TRUE(s.is_cooperate());
  EXPECT_TRUE(s.cooperation().parked());
  EXPECT_EQ(*m.next(), 2);
  EXPECT_EQ(*m.next(), 3);
  EXPECT_TRUE(m.next().is_done());

  auto parked =
      coflow::merge(coflow::scripted<int>({cooperate::park()}), coflow::scripted<int>({cooperate::park()}));
  s = parked.next();
  ASSERT_TRUE(s.is_cooperate());
  EXPECT_TRUE(s.cooperation().parked());
}

// Gives `n` values, then the end; counts the pulls it gets after its end.
struct ends_after {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  int n;
  int* pulls_after_end;
  coflow::step<int> next() {
    if (n > 0) return n--;
    ++*pulls_after_end;
    return coflow::done;
  }
};

TEST(Merge, AnEndedBranchIsNotPulledAgain) {
  int after_end = 0;
  auto m = coflow::merge(ends_after{1, &after_end}, coflow::from({1, 2, 3, 4}));
  EXPECT_EQ(pull_all(m), (std::vector<int>{1, 1, 2, 3, 4}));
  EXPECT_EQ(after_end, 1);  // the pull that saw the end
  EXPECT_TRUE(m.next().is_done());
  EXPECT_EQ(after_end, 1);
}

TEST(Merge, AFailureIsForwardedAfterTheValuesAndEndsTheStage) {
  auto m = coflow::merge(coflow::scripted<int>({1, coflow::failure::make(std::out_of_range("bad")), 5}),
                         coflow::from({2, 3, 4}));
  std::vector<int> got;
  EXPECT_THROW(
      {
        for (int v : coflow::block(m)) got.push_back(v);
      },
      std::out_of_range);
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  EXPECT_TRUE(m.next().is_done());
}

TEST(Merge, OfTwoCallbacksParksWhenNeitherHasData) {
  auto [a, sa] = coflow::make_callback<int>();
  auto [b, sb] = coflow::make_callback<std::string>();
  auto m = coflow::merge(std::move(sa), std::move(sb));
  static_assert(coflow::buffer_bound_v<decltype(m)> == coflow::unbounded);
  auto s = m.next();
  ASSERT_TRUE(s.is_cooperate());
  EXPECT_TRUE(s.cooperation().parked());
  b.push("b1");
  a.push(1);
  EXPECT_EQ(std::get<int>(*m.next()), 1);
  EXPECT_EQ(std::get<std::string>(*m.next()), "b1");
  a.finish();
  EXPECT_TRUE(m.next().cooperation().parked());
  b.finish();
  EXPECT_TRUE(m.next().is_done());
}

TEST(Merge, PipeFormTakesAMoveOnlyBranch) {
  auto [feed, stage] = coflow::make_callback<int>();
  auto m = coflow::from({1, 2}) | coflow::merge(std::move(stage));
  feed.push(10);
  feed.finish();
  EXPECT_EQ(pull_all(m), (std::vector<int>{1, 10, 2}));
}

TEST(Merge, ComposesWithOtherStagesAndSinks) {
  std::vector<int> got = coflow::merge(coflow::from({1, 2}), coflow::scripted<int>({cooperate{}, 10})) |
                         coflow::map([](int v) { return v * 2; }) | coflow::to_vector();
  EXPECT_EQ(got, (std::vector<int>{2, 4, 20}));
  static_assert(std::is_same_v<decltype(coflow::merge(coflow::from({1}), coflow::from({2})))::upstreams,
                               decltype(boost::hana::tuple_t<coflow::range_source<std::vector<int>, true>,
                                                             coflow::range_source<std::vector<int>, true>>)>);
}

TEST(Merge, DescribesItsBranchesAndValueType) {
  using callback_and_script =
      decltype(coflow::merge(std::declval<coflow::callback_stage<int>>(), coflow::scripted<std::string>({})));
  static_assert(coflow::describe<callback_and_script>() ==
                "merge(callback<int>, scripted<string>) -> variant<int, string>");
  static_assert(coflow::describe<decltype(coflow::merge(coflow::from({1}), coflow::from({2})))>() ==
                "merge(from<vector<int>>, from<vector<int>>) -> int");
  SUCCEED();
}

}  // namespace
