// SPDX-License-Identifier: BSL-1.0
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

TEST(Scripted, ReplaysValuesCooperatesAndFailuresInOrder) {
  auto s = coflow::scripted<std::string>(
      {"a", coflow::cooperate{5ms}, "b", coflow::failure::make(std::range_error("bad")), "c"});
  static_assert(coflow::can_cooperate_v<decltype(s)>);
  auto a = s.next();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, "a");
  auto c = s.next();
  ASSERT_TRUE(c.is_cooperate());
  EXPECT_EQ(c.cooperation().timeout(), 5ms);
  EXPECT_EQ(*s.next(), "b");
  auto f = s.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_THROW(f.error().rethrow(), std::range_error);
  EXPECT_EQ(*s.next(), "c");
  EXPECT_TRUE(s.next().is_done());
  EXPECT_TRUE(s.next().is_done());
}

TEST(Scripted, EmptyScriptEndsAtOnce) {
  auto s = coflow::scripted<int>({});
  EXPECT_TRUE(s.next().is_done());
}

TEST(Scripted, ParkIsReplayed) {
  auto s = coflow::scripted<int>({coflow::cooperate::park(), 1});
  EXPECT_TRUE(s.next().cooperation().parked());
  EXPECT_EQ(*s.next(), 1);
}
