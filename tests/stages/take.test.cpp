// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <type_traits>
#include <vector>

using coflow::cooperate;

TEST(Take, GivesTheFirstNValuesOfAnEndlessSource) {
  auto v = coflow::iota(1) | coflow::take(3) | coflow::to_vector();
  EXPECT_EQ(v, (std::vector<int>{1, 2, 3}));
}

TEST(Take, GivesEverythingWhenTheSourceIsShorter) {
  EXPECT_EQ((std::vector{1, 2} | coflow::take(5) | coflow::to_vector()), (std::vector<int>{1, 2}));
  EXPECT_TRUE((std::vector{1, 2} | coflow::take(0) | coflow::to_vector()).empty());
}

// A negative count is a caller's bug, refused as chunk(0) is, not read as "nothing".
TEST(Take, ANegativeCountIsRefused) {
  EXPECT_THROW(coflow::take(-1), std::invalid_argument);
  try {
    (void)coflow::take(-4);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "coflow::take: the count must not be negative (it is -4)");
  }
  auto fixed = coflow::iota(0) | coflow::take(std::integral_constant<int, 2>{}) | coflow::to_vector();
  EXPECT_EQ(fixed, (std::vector<int>{0, 1}));
}

TEST(Take, PassesCooperatesWithoutCountingThemAndStopsPulling) {
  int pulled = 0;
  auto counted = coflow::scripted<int>({1, cooperate{}, 2, 3, 4}) | coflow::map([&](int i) {
                   ++pulled;
                   return i;
                 });
  auto t = std::move(counted) | coflow::take(2);
  EXPECT_EQ(*t.next(), 1);
  EXPECT_TRUE(t.next().is_cooperate());
  EXPECT_EQ(*t.next(), 2);
  EXPECT_TRUE(t.next().is_done());
  EXPECT_TRUE(t.next().is_done());
  EXPECT_EQ(pulled, 2);  // the values after the second were never pulled
}

TEST(Take, ForwardsAFailureBeforeTheCountIsReached) {
  auto t = coflow::scripted<int>({1, coflow::failure::make(std::logic_error("bad")), 2}) | coflow::take(3);
  EXPECT_EQ(*t.next(), 1);
  EXPECT_TRUE(t.next().is_failure());
  EXPECT_TRUE(t.next().is_done());
}

TEST(Take, DrivesAndStopsTheUpstreamAfterN) {
  auto t = coflow::iota(10) | coflow::take(3);
  static_assert(coflow::drivable<decltype(t)>);
  std::vector<int> got;
  t.drive([&](int i) {
    got.push_back(i);
    return true;
  });
  EXPECT_EQ(got, (std::vector<int>{10, 11, 12}));
  t.drive([&](int i) {
    got.push_back(i);
    return true;
  });
  EXPECT_EQ(got.size(), 3u);  // taken: the upstream is not driven again
}

TEST(Take, StaticProperties) {
  using plain = decltype(coflow::iota(0) | coflow::take(1));
  using coop = decltype(coflow::scripted<int>({}) | coflow::take(1));
  static_assert(!coflow::can_cooperate_v<plain>);
  static_assert(coflow::can_cooperate_v<coop>);
  static_assert(!coflow::drivable<coop>);
  static_assert(plain::stage_name == "take");
  SUCCEED();
}
