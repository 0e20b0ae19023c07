// SPDX-License-Identifier: BSL-1.0
#include <coflow/control/block.hpp>
#include <coflow/core/waker.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/filter.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

#include <range/v3/algorithm/count_if.hpp>
#include <range/v3/numeric/accumulate.hpp>
#include <range/v3/range/conversion.hpp>
#include <range/v3/view/take.hpp>

using namespace std::chrono_literals;
using ints = std::vector<int>;

namespace {
using int_range = decltype(coflow::block(coflow::iota(0)));
static_assert(std::ranges::input_range<int_range>);
static_assert(ranges::input_range<int_range>);
static_assert(std::ranges::input_range<decltype(coflow::block(coflow::scripted<int>({})))>);
// Over a temporary or an lvalue, a block is a view: it composes with std::views and range-v3.
using lvalue_range = decltype(coflow::block(std::declval<coflow::iota_source<int>&>()));
static_assert(std::ranges::view<int_range> && std::ranges::view<lvalue_range>);
static_assert(ranges::view_<int_range> && ranges::view_<lvalue_range>);
static_assert(!std::ranges::borrowed_range<int_range> && !std::ranges::borrowed_range<lvalue_range>);
static_assert(std::ranges::viewable_range<int_range> && std::ranges::viewable_range<int_range&>);
}  // namespace

TEST(Block, RangeFor) {
  ints out;
  for (int v : coflow::block(coflow::from({1, 2, 3}) | coflow::map([](int i) { return i * 2; })))
    out.push_back(v);
  EXPECT_EQ(out, (ints{2, 4, 6}));
}

TEST(Block, RangeV3Algorithms) {
  EXPECT_EQ(ranges::accumulate(coflow::block(coflow::iota(1, 11)), 0), 55);
  EXPECT_EQ(ranges::count_if(coflow::block(coflow::iota(0, 10)), [](int i) { return i % 3 == 0; }), 4);
  auto v = coflow::block(coflow::scripted<int>({1, coflow::cooperate{}, 2})) | ranges::to<std::vector>();
  EXPECT_EQ(v, (ints{1, 2}));
}

TEST(Block, StdRangesAlgorithms) {
  auto b = coflow::block(coflow::iota(0, 10));
  EXPECT_EQ(std::ranges::count_if(b, [](int i) { return i % 2 == 0; }), 5);
  auto words = coflow::block(coflow::from(std::vector<std::string>{"a", "bb", "ccc"}));
  auto it = std::ranges::find_if(words, [](const std::string& s) { return s.size() == 2; });
  ASSERT_NE(it, words.end());
  EXPECT_EQ(*it, "bb");
  EXPECT_EQ(it->size(), 2u);
}

TEST(Block, TheSeedsListWithACooperateBlocksToItsValues) {
  ints out;
  for (int v : coflow::block(coflow::scripted<int>({1, 2, coflow::cooperate{}, 3}))) out.push_back(v);
  EXPECT_EQ(out, (ints{1, 2, 3}));
}

TEST(Block, SleepsForACooperateTimeout) {
  auto start = std::chrono::steady_clock::now();
  ints out;
  for (int v : coflow::block(coflow::scripted<int>({1, coflow::cooperate{20ms}, 2}))) out.push_back(v);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(out, (ints{1, 2}));
}

TEST(Block, RethrowsAFailureWithItsTypeAfterTheValuesBeforeIt) {
  ints out;
  auto flow = coflow::scripted<int>({1, 2, coflow::failure::make(std::length_error("too long")), 3});
  try {
    for (int v : coflow::block(std::move(flow))) out.push_back(v);
    FAIL() << "no exception";
  } catch (const std::length_error& e) {
    EXPECT_STREQ(e.what(), "too long");
  }
  EXPECT_EQ(out, (ints{1, 2}));
}

TEST(Block, AFailureOnTheFirstPullThrowsFromBegin) {
  auto b = coflow::block(coflow::scripted<int>({coflow::failure::make(std::out_of_range("first"))}));
  EXPECT_THROW((void)b.begin(), std::out_of_range);
}

TEST(Block, BreakingOutOfAnInfiniteFlowStops) {
  ints out;
  for (int v : coflow::block(coflow::iota(0))) {
    out.push_back(v);
    if (out.size() == 2) break;
  }
  EXPECT_EQ(out, (ints{0, 1}));
}

namespace {
struct guard {
  int* count;
  ~guard() { ++*count; }
};
coflow::generator<int> guarded_count(int& destroyed) {
  guard g{&destroyed};
  for (int i = 0;; ++i) co_yield i;
}
}  // namespace

TEST(Block, DestroyingTheRangeMidwayDestroysTheFlow) {
  int destroyed = 0;
  {
    auto b = coflow::block(guarded_count(destroyed));
    auto it = b.begin();
    EXPECT_EQ(*it, 0);
    ++it;
    EXPECT_EQ(*it, 1);
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 1);
  for (int v : coflow::block(guarded_count(destroyed)))
    if (v == 2) break;
  EXPECT_EQ(destroyed, 2);
}

TEST(Block, AnLvalueStageIsPulledInPlace) {
  auto s = coflow::from(std::vector<int>{1, 2, 3});
  for (int v : coflow::block(s)) {
    EXPECT_EQ(v, 1);
    break;
  }
  auto rest = s.next();
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*rest, 2);
}

TEST(Block, BeginPullsOnlyOnce) {
  auto b = coflow::block(coflow::from({1, 2, 3}));
  EXPECT_EQ(*b.begin(), 1);
  EXPECT_EQ(*b.begin(), 1);
}

TEST(Block, ReferencesReachTheOriginal) {
  std::vector<int> v{1, 2};
  for (int& i : coflow::block(coflow::from(v))) i += 10;
  EXPECT_EQ(v, (ints{11, 12}));
}

namespace {
// Parks after waking its own waker: a wake that comes before the park must not be lost.
struct self_waking {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  [[maybe_unused]] static constexpr std::string_view stage_name = "self_waking";
  using upstreams = decltype(boost::hana::tuple_t<>);
  int state = 0;
  bool had_waker = false;
  coflow::step<int> next() {
    switch (state++) {
      case 0:
        had_waker = static_cast<bool>(coflow::current_waker());
        coflow::current_waker().wake();
        return coflow::cooperate::park();
      case 1: return 42;
      default: return coflow::done;
    }
  }
};
}  // namespace

TEST(Block, AWakeBeforeTheParkIsRemembered) {
  self_waking s;
  ints out;
  for (int v : coflow::block(s)) out.push_back(v);
  EXPECT_TRUE(s.had_waker);
  EXPECT_EQ(out, (ints{42}));
}

TEST(Block, ABlockingRangeOfMoveOnlyValuesCanBeCollected) {
  auto make = []() -> coflow::generator<std::unique_ptr<int>> {
    co_yield std::make_unique<int>(1);
    co_yield coflow::cooperate{};
    co_yield std::make_unique<int>(2);
  };
  std::vector<std::unique_ptr<int>> out;
  for (auto&& p : coflow::block(make())) out.push_back(std::move(p));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(*out[1], 2);
  auto collected = coflow::from(coflow::block(make())) | coflow::to_vector();
  ASSERT_EQ(collected.size(), 2u);
  EXPECT_EQ(*collected[0], 1);
}

TEST(Block, ATemporaryFlowComposesWithStdViews) {
  ints out;
  for (int v :
       coflow::block(coflow::iota(0) | coflow::map([](int i) { return i * 2; })) | std::views::take(3))
    out.push_back(v);
  EXPECT_EQ(out, (ints{0, 2, 4}));
  auto odd = [](int i) { return i % 2 == 1; };
  auto squared = [](int i) { return i * i; };
  out.clear();
  for (int v : coflow::block(coflow::iota(0, 8)) | std::views::filter(odd) | std::views::transform(squared))
    out.push_back(v);
  EXPECT_EQ(out, (ints{1, 9, 25, 49}));
}

TEST(Block, ATemporaryFlowComposesWithRangeV3Views) {
  ints out;
  for (int v : coflow::block(coflow::iota(5)) | ranges::views::take(2)) out.push_back(v);
  EXPECT_EQ(out, (ints{5, 6}));
}

TEST(Block, AnLvalueStageInAViewIsPulledInPlace) {
  auto s = coflow::iota(0);
  ints out;
  for (int v : coflow::block(s) | std::views::take(2)) out.push_back(v);
  for (int v : coflow::block(s) | ranges::views::take(1)) out.push_back(v);
  EXPECT_EQ(out, (ints{0, 1, 3}));  // take(2) has pulled 2 to see that it had two
}

TEST(Block, CopiesOfANamedBlockShareItsPosition) {
  auto b = coflow::block(coflow::from({1, 2, 3, 4}));
  ints out;
  for (int v : b | std::views::take(1)) out.push_back(v);
  for (int v : b) out.push_back(v);
  EXPECT_EQ(out, (ints{1, 2, 3, 4}));
}

TEST(Block, AFailureInAViewIsRethrownAtItsPosition) {
  ints out;
  auto flow = coflow::scripted<int>({1, 2, coflow::failure::make(std::length_error("third")), 3});
  try {
    for (int v : coflow::block(std::move(flow)) | std::views::transform([](int i) { return -i; }))
      out.push_back(v);
    FAIL() << "no exception";
  } catch (const std::length_error& e) {
    EXPECT_STREQ(e.what(), "third");
  }
  EXPECT_EQ(out, (ints{-1, -2}));
}

TEST(Block, TakingFromAnInfiniteFlowDestroysItAfterTheLoop) {
  int destroyed = 0;
  ints out;
  for (int v : coflow::block(guarded_count(destroyed)) | std::views::take(3)) {
    out.push_back(v);
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(out, (ints{0, 1, 2}));
  EXPECT_EQ(destroyed, 1);
  auto taken = coflow::block(guarded_count(destroyed)) | ranges::views::take(2) | ranges::to<std::vector>();
  EXPECT_EQ(taken, (ints{0, 1}));
  EXPECT_EQ(destroyed, 2);
}
