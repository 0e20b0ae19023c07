// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/for_each.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <vector>

TEST(ForEach, CallsTheFunctionWithEveryValue) {
  std::vector<int> seen;
  coflow::iota(0, 3) | coflow::for_each([&](int i) { seen.push_back(i); });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
}

TEST(ForEach, ReturningFalseStopsTheFlowEarly) {
  std::vector<int> seen;
  coflow::iota(0) | coflow::for_each([&](int i) {
    seen.push_back(i);
    return i < 2;
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
}

TEST(ForEach, AnLvalueStageStopsInPlaceAndCanGoOn) {
  for (bool pulled : {false, true}) {
    std::vector<int> seen;
    auto collect_two = coflow::for_each([&](int i) {
      seen.push_back(i);
      return seen.size() < 2;
    });
    if (pulled) {  // a stage that can cooperate is pulled, not driven
      auto s = coflow::scripted<int>({1, coflow::cooperate{}, 2, 3});
      s | collect_two;
      EXPECT_EQ(*s.next(), 3);
    } else {
      auto s = coflow::from(std::vector<int>{1, 2, 3});
      s | collect_two;
      EXPECT_EQ(*s.next(), 3);
    }
    EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  }
}

TEST(ForEach, SeesTheValuesBeforeAFailureThenItIsRethrown) {
  std::vector<int> seen;
  auto flow = coflow::scripted<int>({1, 2, coflow::failure::make(std::underflow_error("low")), 3});
  EXPECT_THROW(flow | coflow::for_each([&](int i) { seen.push_back(i); }), std::underflow_error);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}
