// SPDX-License-Identifier: BSL-1.0
// The behaviours of the semantics page that combine several stages: the seed's producer and
// consumer, and filter over a list with a cooperate inside.
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

using coflow::cooperate;

namespace {
auto producer() {
  return coflow::zip(coflow::from(std::vector{1, 2, 3}),
                     coflow::scripted<std::string>({"one", "two", cooperate{}, "three"}));
}

coflow::generator<std::string> consumer() {
  auto title = coflow::just("Title");
  while (auto t = co_await title) co_yield *t;
  auto rows = producer();
  while (auto row = co_await rows) {
    auto& [n, name] = *row;
    co_yield "(" + std::to_string(n) + "," + name + ")";
  }
}

template <class S>
std::vector<std::string> trace(S s) {
  std::vector<std::string> out;
  for (;;) {
    auto st = s.next();
    if (st.is_done()) return out;
    out.push_back(st.is_cooperate() ? std::string("~") : *st);
  }
}
}  // namespace

TEST(FlowSemantics, TheProducerGivesThreePairs) {
  auto got = producer() | coflow::to_vector();
  EXPECT_EQ(got, (std::vector<std::tuple<int, std::string>>{{1, "one"}, {2, "two"}, {3, "three"}}));
}

TEST(FlowSemantics, TheConsumerGivesTheTitleThenThePairs) {
  auto got = consumer() | coflow::to_vector();
  EXPECT_EQ(got, (std::vector<std::string>{"Title", "(1,one)", "(2,two)", "(3,three)"}));
}

TEST(FlowSemantics, TheProducersCooperateReachesTheConsumersPuller) {
  // The cooperate inside the names suspends the consumer too; pulled by hand it shows up
  // exactly once, between (2,two) and (3,three).
  EXPECT_EQ(trace(consumer()), (std::vector<std::string>{"Title", "(1,one)", "(2,two)", "~", "(3,three)"}));
}

TEST(FlowSemantics, FilterOverAListWithACooperateBlocksToTheOddValues) {
  auto odd = coflow::scripted<int>({1, 2, cooperate{}, 3}) | coflow::filter([](int i) { return i % 2 == 1; });
  std::vector<int> got;
  for (int i : coflow::block(std::move(odd))) got.push_back(i);
  EXPECT_EQ(got, (std::vector<int>{1, 3}));
}
