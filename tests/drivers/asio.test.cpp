// SPDX-License-Identifier: BSL-1.0
// What only the Asio driver has: completion tokens and executors.
#include <coflow/asio.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;

TEST(AsioDriver, AsyncRunWithACallback) {
  boost::asio::io_context ctx;
  std::vector<int> got;
  std::exception_ptr error;
  int calls = 0;
  coflow::asio::async_run(ctx, coflow::scripted<int>({1, cooperate{1ms}, 2}),
                          [&](std::exception_ptr e, std::vector<int> v) {
                            ++calls;
                            error = e;
                            got = std::move(v);
                          });
  EXPECT_EQ(calls, 0);
  ctx.run();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(error);
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
}

TEST(AsioDriver, AsyncRunWithAFailureGivesTheOriginalException) {
  boost::asio::io_context ctx;
  std::exception_ptr error;
  coflow::asio::async_run(ctx, coflow::scripted<int>({1, coflow::failure::make(std::range_error("bad"))}),
                          [&](std::exception_ptr e, std::vector<int>) { error = e; });
  ctx.run();
  ASSERT_TRUE(error);
  EXPECT_THROW(std::rethrow_exception(error), std::range_error);
}

TEST(AsioDriver, AsyncRunWithUseFuture) {
  boost::asio::io_context ctx;
  std::future<std::vector<int>> ok =
      coflow::asio::async_run(ctx, coflow::from({1, 2, 3}), boost::asio::use_future);
  std::future<std::vector<int>> bad = coflow::asio::async_run(
      ctx, coflow::scripted<int>({cooperate{}, coflow::failure::make(std::overflow_error("big"))}),
      boost::asio::use_future);
  ctx.run();
  EXPECT_EQ(ok.get(), (std::vector<int>{1, 2, 3}));
  EXPECT_THROW(bad.get(), std::overflow_error);
}

TEST(AsioDriver, RunsOnAStrandOfAMultiThreadedContext) {
  boost::asio::io_context ctx;
  auto strand = boost::asio::make_strand(ctx);
  auto d = coflow::asio::spawn(strand, coflow::scripted<int>({1, cooperate{}, 2, cooperate{1ms}, 3}));
  ctx.run();
  EXPECT_EQ(d.value(), (std::vector<int>{1, 2, 3}));
}

TEST(AsioDriver, SpawnsOnAnExecutor) {
  boost::asio::io_context ctx;
  auto d = coflow::asio::spawn(ctx.get_executor(), coflow::from({4, 5}));
  ctx.run();
  EXPECT_EQ(d.value(), (std::vector<int>{4, 5}));
}

// A named namespace: in an unnamed one, clang reports `stage_name` as unused.
namespace coflow_asio_test {
// Gives `cooperate{0}` until `*stop`, counting its turns.
struct spinner {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "spinner";
  using upstreams = decltype(boost::hana::tuple_t<>);
  const bool* stop;
  int* turns;
  coflow::step<int> next() {
    if (*stop) return coflow::done;
    ++*turns;
    return cooperate{};
  }
};
}  // namespace coflow_asio_test

using coflow_asio_test::spinner;

TEST(AsioDriver, AHandlerPostedDuringARoundRunsBeforeTheNextRound) {
  // The flows ready to run share one handler that serves them a round at a time, one turn
  // each: a handler posted meanwhile runs before the next round, as it would behind a post
  // per turn, and not after the flows ran out (these never would).
  boost::asio::io_context ctx{1};
  constexpr std::size_t flows = 200;
  bool stop = false;
  std::vector<int> turns(flows, 0);
  std::vector<coflow::deferred<std::vector<int>>> ds;
  for (std::size_t i = 0; i < flows; ++i) ds.push_back(coflow::asio::spawn(ctx, spinner{&stop, &turns[i]}));
  // Each spawn's handler gives its flow a first turn, and the first of them posts the run
  // queue's handler. This handler runs after the spawns' and posts the stop behind that one,
  // whose round gives every flow its second turn.
  boost::asio::post(ctx, [&] { boost::asio::post(ctx, [&] { stop = true; }); });
  ctx.run();
  for (std::size_t i = 0; i < flows; ++i) {
    EXPECT_TRUE(ds[i].succeeded());
    EXPECT_EQ(turns[i], 2) << "flow " << i;
  }
}

TEST(AsioDriver, AThrowingCallbackLeavesRunAndTheOtherFlowsKeepTheirTurns) {
  boost::asio::io_context ctx{1};
  auto slow = coflow::asio::spawn(ctx, coflow::scripted<int>({1, cooperate{}, 2, cooperate{}, 3}));
  auto fast = coflow::asio::spawn(ctx, coflow::scripted<int>({7, cooperate{}}));
  fast.then([](const std::vector<int>&) { throw std::runtime_error("callback"); });
  EXPECT_THROW(ctx.run(), std::runtime_error);
  EXPECT_FALSE(slow.fired());
  ctx.restart();
  ctx.run();
  EXPECT_EQ(slow.value(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(fast.value(), std::vector<int>{7});
}

TEST(AsioDriver, FlowsStillQueuedWhenTheContextDiesErrbackCancelled) {
  auto ctx = std::make_unique<boost::asio::io_context>(1);
  bool stop = false;
  int turns_a = 0, turns_b = 0;
  auto a = coflow::asio::spawn(*ctx, spinner{&stop, &turns_a});
  auto b = coflow::asio::spawn(*ctx, spinner{&stop, &turns_b});
  ctx->run_one();  // a's first turn
  ctx->run_one();  // b's first turn: both wait in the run queue now
  EXPECT_EQ(turns_a + turns_b, 2);
  ctx.reset();
  EXPECT_TRUE(a.error().is<coflow::cancelled_error>());
  EXPECT_TRUE(b.error().is<coflow::cancelled_error>());
}
