// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/fold.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

TEST(Fold, SumsAndConcatenates) {
  EXPECT_EQ(coflow::iota(1, 11) | coflow::fold(0, std::plus<>{}), 55);
  auto joined = coflow::from(std::vector<std::string>{"a", "b", "c"}) |
                coflow::fold(std::string{}, [](std::string acc, const std::string& s) { return acc + s; });
  EXPECT_EQ(joined, "abc");
}

TEST(Fold, OfAnEmptyFlowIsTheInitialValue) {
  EXPECT_EQ(coflow::iota(5, 5) | coflow::fold(7, std::plus<>{}), 7);
}

TEST(Fold, OverACooperatingFlow) {
  auto s = coflow::scripted<int>({1, coflow::cooperate{}, 2, 3});
  EXPECT_EQ(std::move(s) | coflow::fold(0, std::plus<>{}), 6);
}

TEST(Fold, AReusedFoldStartsFromItsInitialValueEachTime) {
  const auto sum = coflow::fold(100, std::plus<>{});
  EXPECT_EQ(coflow::iota(0, 3) | sum, 103);
  EXPECT_EQ(coflow::iota(0, 3) | sum, 103);
}
