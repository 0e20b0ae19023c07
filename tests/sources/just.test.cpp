// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/just.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

TEST(Just, GivesOneValueThenEnds) {
  auto s = coflow::just(42);
  auto v = s.next();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, 42);
  EXPECT_TRUE(s.next().is_done());
  EXPECT_TRUE(s.next().is_done());
}

TEST(Just, AStringLiteralIsOneStdString) {
  auto s = coflow::just("string");
  static_assert(std::is_same_v<coflow::value_t<decltype(s)>, std::string>);
  EXPECT_EQ(coflow::just("string") | coflow::to_vector(), (std::vector<std::string>{"string"}));
}

TEST(Just, HoldsAMoveOnlyValue) {
  auto out = coflow::just(std::make_unique<int>(5)) | coflow::to_vector();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(*out[0], 5);
}

TEST(Just, DriveGivesTheValueOnce) {
  auto s = coflow::just(std::string("x"));
  int calls = 0;
  s.drive([&](std::string v) {
    EXPECT_EQ(v, "x");
    ++calls;
    return true;
  });
  s.drive([&](std::string) { return ++calls, true; });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(s.next().is_done());
}
