// SPDX-License-Identifier: BSL-1.0
// buffer(n): the upstream runs ahead of its consumer by up to n values on a scheduler, and is
// pulled through where no scheduler runs the flow.
#include <coflow/coflow.hpp>
#include "support/stages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <vector>

using coflow::cooperate;
using coflow_test::slowly;

namespace {

/// Counts the values an upstream gave and a consumer took, and the most the first ran ahead.
struct ahead {
  int produced = 0, consumed = 0, most = 0;
  auto produce() {
    return coflow::map([this](int x) {
      ++produced;
      most = std::max(most, produced - consumed);
      return x;
    });
  }
  auto consume() {
    return coflow::map([this](int x) {
      ++consumed;
      return x;
    });
  }
};

/// Counts its own destruction (a moved-from one does not count).
struct destroyed {
  std::shared_ptr<int> count;
  explicit destroyed(std::shared_ptr<int> c) : count{std::move(c)} {}
  destroyed(destroyed&& o) noexcept = default;
  ~destroyed() {
    if (count) ++*count;
  }
};

}  // namespace

TEST(Buffer, OnASchedulerTheUpstreamRunsAheadByAtMostN) {
  coflow::scheduler s;
  ahead a;
  auto d = s.spawn(slowly(coflow::iota(0, 20) | a.produce() | coflow::buffer(3) | a.consume()));
  s.run();
  std::vector<int> want(20);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(d.value(), want);
  EXPECT_EQ(a.most, 3);  // reached, never passed
  EXPECT_EQ(s.flows(), 0u);
}

TEST(Buffer, WithoutASchedulerItPullsThrough) {
  ahead a;
  auto flow = coflow::iota(0, 5) | a.produce() | coflow::buffer(3) | a.consume();
  std::vector<int> got;
  for (int x : coflow::block(std::move(flow))) got.push_back(x);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(a.most, 1);
}

TEST(Buffer, AFailureArrivesAfterTheValuesBeforeIt) {
  auto script = [] {
    return coflow::scripted<int>({1, cooperate{}, 2, 3, coflow::failure::make(std::range_error("x")), 4});
  };
  coflow::scheduler s;
  std::vector<int> seen;
  auto d = s.spawn(slowly(script() | coflow::buffer(2)), coflow::for_each([&](int x) { seen.push_back(x); }));
  s.run();
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  ASSERT_TRUE(d.failed());
  EXPECT_THROW(d.error().rethrow(), std::range_error);

  std::vector<int> blocked;
  auto block_all = [&] {
    for (int x : coflow::block(script() | coflow::buffer(2))) blocked.push_back(x);
  };
  EXPECT_THROW(block_all(), std::range_error);
  EXPECT_EQ(blocked, (std::vector<int>{1, 2, 3}));
}

TEST(Buffer, AConsumerThatStopsEarlyDestroysTheProducer) {
  coflow::scheduler s;
  auto gone = std::make_shared<int>(0);
  auto up = coflow::iota(0, 1000) | coflow::map([keep = destroyed{gone}](int x) { return x; });
  auto d = s.spawn(std::move(up) | coflow::buffer(4) | coflow::take(2));
  s.run();  // returns: the parked producer was woken and finished
  EXPECT_EQ(d.value(), (std::vector<int>{0, 1}));
  EXPECT_EQ(*gone, 1);  // the upstream is gone while the scheduler still lives
  EXPECT_EQ(s.flows(), 0u);
}

TEST(Buffer, ACancelledConsumerDestroysAParkedUpstream) {
  coflow::virtual_clock time;
  coflow::scheduler s{time};  // run() returns when every flow is parked
  auto [feed, events] = coflow::make_callback<int>();
  auto d = s.spawn(std::move(events) | coflow::buffer(2));
  feed.push(1);
  s.run();
  EXPECT_EQ(s.flows(), 2u);
  d.cancel();
  s.run();
  EXPECT_EQ(s.flows(), 0u);
  EXPECT_TRUE(d.failed());
}

TEST(Buffer, CallbackValuesPushedBeforeTheConsumerRunsAreKept) {
  coflow::scheduler s;
  auto [feed, events] = coflow::make_callback<int>();
  auto d = s.spawn(slowly(std::move(events) | coflow::buffer(1)));
  for (int i = 0; i < 5; ++i) feed.push(i);
  feed.finish();
  s.run();
  EXPECT_EQ(d.value(), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Buffer, ReportsItsCapacity) {
  using fixed = decltype(coflow::iota(0, 3) | coflow::buffer(std::integral_constant<int, 8>{}));
  static_assert(coflow::flow_traits<fixed>::buffer_bound == 8);
  static_assert(coflow::flow_traits<fixed>::can_cooperate);
  using runtime = decltype(coflow::iota(0, 3) | coflow::buffer(8));
  static_assert(coflow::flow_traits<runtime>::buffer_bound == coflow::unbounded);
  auto b = coflow::iota(0, 3) | coflow::buffer(8);
  EXPECT_EQ(b.max_buffered(), 8u);
}

TEST(Buffer, ACapacityBelowOneIsAnError) {
  EXPECT_THROW(coflow::buffer(0), std::invalid_argument);
  EXPECT_THROW(coflow::buffer(-2), std::invalid_argument);
  try {
    coflow::buffer(0);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "coflow::buffer: the count must be at least 1 (it is 0)");
  }
}
