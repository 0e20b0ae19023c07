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
#include <stdexcept>
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
  std::future<std::vector<int>> ok = coflow::asio::async_run(ctx, coflow::from({1, 2, 3}), boost::asio::use_future);
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
