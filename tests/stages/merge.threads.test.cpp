// SPDX-License-Identifier: BSL-1.0
#include <coflow/stages/merge.hpp>
#include "support/stages.hpp"

#include <coflow/control/block.hpp>
#include <coflow/sources/callback.hpp>
#include <coflow/stages/concurrent.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

using namespace std::chrono_literals;

namespace {

using coflow_test::counted;

TEST(MergeThreads, TwoIdleCallbacksParkUntilAPushFromAnotherThreadWakesTheFlow) {
  auto [a, sa] = coflow::make_callback<int>();
  auto [b, sb] = coflow::make_callback<std::string>();
  counted<decltype(coflow::merge(std::move(sa), std::move(sb)))> m{
      coflow::merge(std::move(sa), std::move(sb))};
  auto start = std::chrono::steady_clock::now();
  std::thread producer{[a = a, b = b] {
    std::this_thread::sleep_for(40ms);
    a.push(1);
    std::this_thread::sleep_for(40ms);
    b.push("two");
    std::this_thread::sleep_for(40ms);
    a.finish();
    b.finish();
  }};
  std::vector<std::variant<int, std::string>> got;
  for (auto&& v : coflow::block(m)) got.push_back(v);
  producer.join();
  EXPECT_EQ(got, (std::vector<std::variant<int, std::string>>{1, "two"}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 120ms);
  // park, 1, park, "two", park, (end): a busy wait would pull thousands of times.
  EXPECT_LE(m.pulls, 10);
}

TEST(MergeThreads, ValuesFromTwoThreadsAllArriveEachBranchInOrder) {
  constexpr int n = 5000;
  auto [a, sa] = coflow::make_callback<int>();
  auto [b, sb] = coflow::make_callback<int>();
  auto c = coflow::concurrent(std::move(sa), std::move(sb));
  auto feed = [](coflow::callback<int> f) {
    for (int i = 0; i < n; ++i) {
      f.push(i);
      if (i % 500 == 0) std::this_thread::sleep_for(200us);
    }
    f.finish();
  };
  std::thread ta{feed, a};
  std::thread tb{feed, b};
  std::vector<int> next(2, 0);
  for (auto [branch, v] : coflow::block(c)) {
    ASSERT_LT(branch, 2u);
    EXPECT_EQ(v, next[branch]);
    ++next[branch];
  }
  ta.join();
  tb.join();
  EXPECT_EQ(next, (std::vector<int>{n, n}));
}

}  // namespace
