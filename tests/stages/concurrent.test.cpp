// SPDX-License-Identifier: BSL-1.0
#include <coflow/stages/concurrent.hpp>

#include <coflow/control/block.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/callback.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

using namespace std::chrono_literals;

namespace {

using coflow::cooperate;
using indexed = std::pair<std::size_t, int>;

TEST(Concurrent, OverTwoCallbacksFedStepByStepSaysWhichBranchIsReady) {
  auto [a, sa] = coflow::make_callback<int>();
  auto [b, sb] = coflow::make_callback<int>();
  auto c = coflow::concurrent(std::move(sa), std::move(sb));
  static_assert(std::is_same_v<coflow::value_t<decltype(c)>, indexed>);
  std::vector<indexed> got;
  auto pull = [&] {
    auto s = c.next();
    ASSERT_TRUE(s.has_value());
    got.push_back(*s);
  };
  EXPECT_TRUE(c.next().cooperation().parked());
  a.push(1);
  pull();
  b.push(2);
  pull();
  a.push(3);
  pull();
  a.push(4);
  pull();
  a.finish();
  EXPECT_TRUE(c.next().cooperation().parked());  // b is still open
  b.push(5);
  pull();
  b.finish();
  EXPECT_TRUE(c.next().is_done());
  EXPECT_EQ(got, (std::vector<indexed>{{0, 1}, {1, 2}, {0, 3}, {0, 4}, {1, 5}}));
}

// The same feed, done by a generator pulled in turn with the consumer: one event per turn,
// the way reactor callbacks would fire between two pulls of the flow.
TEST(Concurrent, OverTwoCallbacksFedByAnEventScript) {
  coflow::callback<int> a;
  coflow::callback<int> b;
  auto events = [](coflow::callback<int> to_a, coflow::callback<int> to_b) -> coflow::generator<int> {
    to_a.push(1);
    co_yield 0;
    to_b.push(2);
    co_yield 0;
    to_a.push(3);
    co_yield 0;
    to_a.push(4);
    co_yield 0;
    to_a.finish();
    co_yield 0;
    to_b.push(5);
    co_yield 0;
    to_b.finish();
  }(a, b);
  auto c = coflow::concurrent(a.stage(), b.stage());
  std::vector<indexed> got;
  for (;;) {
    (void)events.next();
    auto s = c.next();
    if (s.is_done()) break;
    ASSERT_FALSE(s.is_failure());
    if (s.has_value()) got.push_back(*s);
  }
  EXPECT_EQ(got, (std::vector<indexed>{{0, 1}, {1, 2}, {0, 3}, {0, 4}, {1, 5}}));
}

TEST(Concurrent, BranchesOfDifferentTypesGiveAVariantIndexedByBranch) {
  auto c = coflow::concurrent(coflow::from({1, 2}), coflow::scripted<std::string>({cooperate{}, "x"}),
                              coflow::from({3}));
  using V = std::variant<int, std::string, int>;
  static_assert(std::is_same_v<coflow::value_t<decltype(c)>, V>);
  std::vector<V> got;
  for (auto&& v : coflow::block(c)) got.push_back(v);
  ASSERT_EQ(got.size(), 4u);
  // 0:1, (1 cooperates) 2:3, 0:2, 1:x
  EXPECT_EQ(got[0].index(), 0u);
  EXPECT_EQ(std::get<0>(got[0]), 1);
  EXPECT_EQ(got[1].index(), 2u);
  EXPECT_EQ(std::get<2>(got[1]), 3);
  EXPECT_EQ(got[2].index(), 0u);
  EXPECT_EQ(std::get<0>(got[2]), 2);
  EXPECT_EQ(got[3].index(), 1u);
  EXPECT_EQ(std::get<1>(got[3]), "x");
}

TEST(Concurrent, PipeFormAndSinks) {
  std::vector<indexed> got =
      coflow::from({1, 2}) | coflow::concurrent(coflow::from({7})) | coflow::to_vector();
  EXPECT_EQ(got, (std::vector<indexed>{{0, 1}, {1, 7}, {0, 2}}));
}

TEST(Concurrent, AFailureInABranchIsForwardedAfterTheValues) {
  auto [a, sa] = coflow::make_callback<int>();
  auto c = coflow::concurrent(std::move(sa), coflow::from({10, 20}));
  a.push(1);
  a.fail(std::runtime_error("broken"));
  std::vector<indexed> got;
  EXPECT_THROW(
      {
        for (auto&& v : coflow::block(c)) got.push_back(v);
      },
      std::runtime_error);
  EXPECT_EQ(got, (std::vector<indexed>{{0, 1}, {1, 10}}));
}

}  // namespace
