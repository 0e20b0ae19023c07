// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

TEST(ToVector, CollectsEveryValue) {
  std::vector<int> v = coflow::iota(0, 4) | coflow::to_vector();
  EXPECT_EQ(v, (std::vector<int>{0, 1, 2, 3}));
}

TEST(ToVector, CopiesValuesGivenByReference) {
  std::vector<std::string> src{"a", "b"};
  auto out = coflow::from(src) | coflow::to_vector();
  static_assert(std::is_same_v<decltype(out), std::vector<std::string>>);
  out[0] = "changed";
  EXPECT_EQ(src, (std::vector<std::string>{"a", "b"}));
}

TEST(ToVector, ConvertsToTheGivenElementType) {
  auto out = coflow::from({1, 2}) | coflow::map([](int i) { return i * 1.5; }) | coflow::to_vector<int>();
  static_assert(std::is_same_v<decltype(out), std::vector<int>>);
  EXPECT_EQ(out, (std::vector<int>{1, 3}));
  auto strings = coflow::from({"x", "yz"}) | coflow::to_vector<std::string>();
  EXPECT_EQ(strings, (std::vector<std::string>{"x", "yz"}));
}

TEST(ToVector, OfACooperatingFlowSkipsTheCooperates) {
  auto out = coflow::scripted<int>({coflow::cooperate{}, 1, coflow::cooperate{}, 2}) | coflow::to_vector();
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
}

TEST(ToVector, OfAnEmptyFlowIsEmpty) {
  EXPECT_TRUE((coflow::from(std::vector<int>{}) | coflow::to_vector()).empty());
  EXPECT_TRUE((coflow::scripted<int>({}) | coflow::to_vector()).empty());
}

TEST(ToVector, TakesARangeOnTheLeft) {
  std::vector<int> v{3, 4};
  EXPECT_EQ(v | coflow::to_vector(), v);
}
