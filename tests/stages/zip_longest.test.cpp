// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using coflow::cooperate;
using opt_int = std::optional<int>;
using opt_str = std::optional<std::string>;
using row = std::tuple<opt_int, opt_str>;

TEST(ZipLongest, PadsTheShorterBranchWithEmptyOptionals) {
  auto z = coflow::zip_longest(coflow::scripted<int>({1, 2, cooperate{}, 3}),
                               coflow::from(std::vector<std::string>{"a", "b"}));
  static_assert(std::is_same_v<decltype(z)::value_type, row>);
  std::vector<row> got;
  for (auto& r : coflow::block(std::move(z))) got.push_back(r);
  EXPECT_EQ(got, (std::vector<row>{{1, "a"}, {2, "b"}, {3, std::nullopt}}));
}

TEST(ZipLongest, ZipOfTheSameBranchesStopsAtTheShortest) {
  auto z = coflow::zip(coflow::scripted<int>({1, 2, cooperate{}, 3}),
                       coflow::from(std::vector<std::string>{"a", "b"}));
  std::vector<std::tuple<int, std::string>> got;
  for (auto& r : coflow::block(std::move(z))) got.push_back(r);
  EXPECT_EQ(got, (std::vector<std::tuple<int, std::string>>{{1, "a"}, {2, "b"}}));
}

TEST(ZipLongest, PadsTheFirstBranchTooAndEndsWhenAllHaveEnded) {
  auto got = std::vector{1} | coflow::zip_longest(std::vector{'x', 'y'}, std::vector<double>{}) |
             coflow::to_vector();
  using r3 = std::tuple<opt_int, std::optional<char>, std::optional<double>>;
  EXPECT_EQ(got, (std::vector<r3>{{1, 'x', std::nullopt}, {std::nullopt, 'y', std::nullopt}}));

  auto none = coflow::zip_longest(std::vector<int>{}, std::vector<int>{}) | coflow::to_vector();
  EXPECT_TRUE(none.empty());
}

TEST(ZipLongest, ACooperateKeepsTheValuesPulledThisRound) {
  auto z = coflow::zip_longest(coflow::scripted<int>({1, 2}), coflow::scripted<int>({cooperate{}, 10}));
  auto a = z.next();
  EXPECT_TRUE(a.is_cooperate());
  auto b = z.next();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, (std::tuple<opt_int, opt_int>{1, 10}));
  auto c = z.next();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, (std::tuple<opt_int, opt_int>{2, std::nullopt}));
  EXPECT_TRUE(z.next().is_done());
}

TEST(ZipLongest, ForwardsAFailureAfterTheRowsBeforeItAndEnds) {
  auto z = coflow::zip_longest(coflow::scripted<int>({1, 2, 3}),
                               coflow::scripted<int>({1, coflow::failure::make(std::range_error("r"))}));
  EXPECT_TRUE(z.next().has_value());
  auto f = z.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::range_error>());
  EXPECT_TRUE(z.next().is_done());
}

TEST(ZipLongest, CopiesTheValuesOfBranchesOfReferences) {
  std::vector<std::string> names{"a"};
  auto z = coflow::zip_longest(names, std::vector{1, 2});
  static_assert(std::is_same_v<decltype(z)::value_type, std::tuple<opt_str, opt_int>>);
  auto got = std::move(z) | coflow::to_vector();
  EXPECT_EQ(got, (std::vector<std::tuple<opt_str, opt_int>>{{"a", 1}, {std::nullopt, 2}}));
}

TEST(ZipLongest, StaticProperties) {
  using plain = decltype(coflow::zip_longest(std::vector{1}, std::vector{2}));
  using coop = decltype(coflow::zip_longest(coflow::scripted<int>({}), std::vector{2}, std::vector{3}));
  static_assert(!coflow::can_cooperate_v<plain>);
  static_assert(coflow::can_cooperate_v<coop>);
  static_assert(coflow::buffer_bound_v<plain> == 1);
  static_assert(coflow::buffer_bound_v<coop> == 2);
  static_assert(plain::stage_name == "zip_longest");
  SUCCEED();
}
