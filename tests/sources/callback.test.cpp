// SPDX-License-Identifier: BSL-1.0
#include <coflow/sources/callback.hpp>

#include <coflow/control/block.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <ios>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

static_assert(coflow::stage<coflow::callback_stage<int>>);
static_assert(coflow::callback_stage<int>::can_cooperate);
static_assert(coflow::buffer_bound_v<coflow::callback_stage<int>> == coflow::unbounded);
static_assert(!std::is_copy_constructible_v<coflow::callback_stage<int>>);
static_assert(std::is_copy_constructible_v<coflow::callback<int>>);

struct io_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<int> collect(coflow::callback_stage<int>& s) {
  std::vector<int> out;
  for (int v : coflow::block(s)) out.push_back(v);
  return out;
}

TEST(Callback, ValuesPushedBeforeThePullAreBufferedInOrder) {
  auto [feed, stage] = coflow::make_callback<int>();
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(feed.push(i));
  EXPECT_TRUE(feed.finish());
  EXPECT_EQ(collect(stage), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(Callback, ParksWithNothingBufferedAndResumesAfterAPush) {
  auto [feed, stage] = coflow::make_callback<std::string>();
  coflow::step<std::string> s = stage.next();
  ASSERT_TRUE(s.is_cooperate());
  EXPECT_TRUE(s.cooperation().parked());
  feed.push("a");
  feed.push(std::string("b"));
  s = stage.next();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, "a");
  EXPECT_EQ(*stage.next(), "b");
  EXPECT_TRUE(stage.next().is_cooperate());
  feed.finish();
  EXPECT_TRUE(stage.next().is_done());
  EXPECT_TRUE(stage.next().is_done());
}

// A waker target that counts its wake-ups.
struct counting_target final : coflow::waker::target {
  int wakes = 0;
  void wake() noexcept override { ++wakes; }
};

TEST(Callback, WakesTheParkedConsumerOnPushFinishAndFailOnlyWhenParked) {
  auto t = std::make_shared<counting_target>();
  coflow::waker w{t};
  auto pull = [&](auto& stage) {
    coflow::waker_scope scope{w};
    return stage.next();
  };
  auto [feed, stage] = coflow::make_callback<int>();
  feed.push(1);  // not parked: no wake-up
  EXPECT_EQ(t->wakes, 0);
  EXPECT_EQ(*pull(stage), 1);
  EXPECT_TRUE(pull(stage).is_cooperate());
  feed.push(2);
  EXPECT_EQ(t->wakes, 1);
  feed.push(3);  // already woken, not parked again yet
  EXPECT_EQ(t->wakes, 1);
  EXPECT_EQ(*pull(stage), 2);
  EXPECT_EQ(*pull(stage), 3);
  EXPECT_TRUE(pull(stage).is_cooperate());
  feed.finish();
  EXPECT_EQ(t->wakes, 2);
  EXPECT_TRUE(pull(stage).is_done());

  auto [feed2, stage2] = coflow::make_callback<int>();
  EXPECT_TRUE(pull(stage2).is_cooperate());
  feed2.fail(io_error("gone"));
  EXPECT_EQ(t->wakes, 3);
  EXPECT_TRUE(pull(stage2).is_failure());
}

TEST(Callback, AFailureComesAfterTheValuesWithItsOriginalType) {
  auto [feed, stage] = coflow::make_callback<int>();
  for (int i = 0; i < 3; ++i) feed.push(i);
  feed.fail(std::ios_base::failure("connection lost"));
  std::vector<int> seen;
  EXPECT_THROW(
      {
        for (int v : coflow::block(stage)) seen.push_back(v);
      },
      std::ios_base::failure);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(stage.next().is_done());
}

TEST(Callback, FailAcceptsAnExceptionObjectAFailureOrAnExceptionPtr) {
  {
    auto [feed, stage] = coflow::make_callback<int>();
    feed.push(7);
    feed.fail(io_error("disk"));
    EXPECT_EQ(*stage.next(), 7);
    auto s = stage.next();
    ASSERT_TRUE(s.is_failure());
    EXPECT_TRUE(s.error().is<io_error>());
    EXPECT_EQ(s.error().message(), "disk");
  }
  {
    auto [feed, stage] = coflow::make_callback<int>();
    feed.fail(coflow::failure::make(std::out_of_range("range")));
    auto s = stage.next();
    ASSERT_TRUE(s.is_failure());
    EXPECT_THROW(s.error().rethrow(), std::out_of_range);
  }
  {
    auto [feed, stage] = coflow::make_callback<int>();
    feed.fail(std::make_exception_ptr(io_error("ptr")));
    auto s = stage.next();
    ASSERT_TRUE(s.is_failure());
    EXPECT_THROW(s.error().rethrow(), io_error);
  }
  {
    // An empty failure is a mistake, not a silent end.
    auto [feed, stage] = coflow::make_callback<int>();
    feed.fail(coflow::failure{});
    auto s = stage.next();
    ASSERT_TRUE(s.is_failure());
    EXPECT_THROW(s.error().rethrow(), std::invalid_argument);
  }
}

TEST(Callback, PushAfterTheEndIsRefusedAndTheFirstEndWins) {
  auto [feed, stage] = coflow::make_callback<int>();
  feed.push(1);
  EXPECT_TRUE(feed.finish());
  EXPECT_FALSE(feed.push(2));
  EXPECT_FALSE(feed.finish());
  EXPECT_FALSE(feed.fail(io_error("late")));
  EXPECT_EQ(collect(stage), (std::vector<int>{1}));
}

TEST(Callback, PushAfterTheStageWasDroppedIsRefused) {
  coflow::callback<int> feed;
  {
    auto stage = feed.stage();
    EXPECT_TRUE(feed.push(1));
  }
  EXPECT_FALSE(feed.push(2));
  EXPECT_FALSE(feed.finish());
}

TEST(Callback, TheStageCanBeTakenOnce) {
  coflow::callback<int> feed;
  auto stage = feed.stage();
  EXPECT_THROW((void)feed.stage(), std::logic_error);
  coflow::callback<int> copy = feed;
  EXPECT_THROW((void)copy.stage(), std::logic_error);
}

TEST(Callback, CopiesFeedOneStreamAndDroppingThemAllWithoutFinishFails) {
  std::optional<coflow::callback_stage<int>> stage;
  {
    coflow::callback<int> feed;
    stage.emplace(feed.stage());
    coflow::callback<int> other = feed;
    feed.push(1);
    other.push(2);
  }
  EXPECT_EQ(*stage->next(), 1);
  EXPECT_EQ(*stage->next(), 2);
  auto s = stage->next();
  ASSERT_TRUE(s.is_failure());
  EXPECT_TRUE(s.error().is<coflow::abandoned_callback>());
}

TEST(Callback, MovedStageKeepsItsBufferedValues) {
  auto [feed, stage] = coflow::make_callback<int>();
  feed.push(1);
  feed.push(2);
  EXPECT_EQ(*stage.next(), 1);  // 2 now sits in the stage's own batch
  coflow::callback_stage<int> moved = std::move(stage);
  feed.push(3);
  feed.finish();
  EXPECT_EQ(collect(moved), (std::vector<int>{2, 3}));
}

TEST(Callback, HoldsMoveOnlyValues) {
  auto [feed, stage] = coflow::make_callback<std::unique_ptr<int>>();
  feed.push(std::make_unique<int>(5));
  feed.finish();
  std::vector<std::unique_ptr<int>> out = std::move(stage) | coflow::to_vector();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(*out[0], 5);
}

TEST(Callback, PipesIntoStagesAndIsFedByAGeneratorOnTheSameThread) {
  coflow::callback<int> feed;
  auto doubled = feed.stage() | coflow::map([](int v) { return 2 * v; });
  // The producer is a generator pulled in turn with the consumer: it pushes one value per
  // pull, the way a protocol's callback would between two reactor turns.
  auto producer = [](coflow::callback<int> f) -> coflow::generator<int> {
    for (int i = 0; i < 3; ++i) {
      f.push(i);
      co_yield i;
    }
    f.finish();
  }(feed);
  std::vector<int> got;
  for (;;) {
    auto p = producer.next();
    auto s = doubled.next();
    if (s.has_value()) got.push_back(*s);
    if (s.is_done()) break;
    ASSERT_FALSE(s.is_failure());
    if (p.is_done() && s.is_cooperate()) FAIL() << "parked after finish";
  }
  EXPECT_EQ(got, (std::vector<int>{0, 2, 4}));
}

}  // namespace
