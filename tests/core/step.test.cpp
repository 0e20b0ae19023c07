// SPDX-License-Identifier: BSL-1.0
#include <coflow/core/step.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

TEST(Step, HoldsEachOfTheFourOutcomes) {
  coflow::step<int> v = 7;
  EXPECT_TRUE(v.has_value());
  EXPECT_EQ(*v, 7);

  coflow::step<int> c = coflow::cooperate{5ms};
  EXPECT_TRUE(c.is_cooperate());
  EXPECT_EQ(c.cooperation().timeout(), 5ms);

  coflow::step<int> d = coflow::done;
  EXPECT_TRUE(d.is_done());

  coflow::step<int> f = coflow::failure::make(std::out_of_range("past the end"));
  ASSERT_TRUE(f.is_failure());
  EXPECT_EQ(f.error().type_name(), "std::out_of_range");
  EXPECT_EQ(f.error().message(), "past the end");
  EXPECT_TRUE(f.error().is<std::logic_error>());
  EXPECT_FALSE(f.error().is<std::runtime_error>());
  EXPECT_THROW(f.error().rethrow(), std::out_of_range);
}

TEST(Step, OfAReferencePointsAtTheOriginal) {
  std::string s = "abc";
  coflow::step<std::string&> r = s;
  (*r).push_back('d');
  EXPECT_EQ(s, "abcd");
}

TEST(Step, HoldsMoveOnlyValues) {
  coflow::step<std::unique_ptr<int>> p = std::make_unique<int>(3);
  std::unique_ptr<int> out = *std::move(p);
  EXPECT_EQ(*out, 3);
}

TEST(Cooperate, NegativeTimeoutsClampToZeroAndParkIsDistinct) {
  EXPECT_EQ(coflow::cooperate{-3ms}.timeout(), 0ms);
  EXPECT_TRUE(coflow::cooperate::park().parked());
  EXPECT_FALSE(coflow::cooperate{}.parked());
}

TEST(Cooperate, EarliestWaitsOnTheSoonestTimerAndParksOnlyWhenAllPark) {
  using coflow::cooperate;
  EXPECT_EQ(earliest(cooperate{5ms}, cooperate{2ms}).timeout(), 2ms);
  EXPECT_EQ(earliest(cooperate::park(), cooperate{2ms}).timeout(), 2ms);
  EXPECT_FALSE(earliest(cooperate::park(), cooperate{2ms}).parked());
  EXPECT_TRUE(earliest(cooperate::park(), cooperate::park()).parked());
}

struct not_a_std_exception {};

TEST(Failure, NamesTypesThatAreNotStdExceptions) {
  auto f = coflow::failure::make(not_a_std_exception{});
  EXPECT_EQ(f.type_name(), "not_a_std_exception");
  EXPECT_EQ(f.message(), "not_a_std_exception");
  EXPECT_THROW(f.rethrow(), not_a_std_exception);
}
