// SPDX-License-Identifier: BSL-1.0
// The cases of tests/detail/*stop_token*.test.cpp: coflow::stop_token, stop_source,
// stop_callback and jthread, whichever implementation coflow/detail/stop_token.hpp selected.
#pragma once

#include <coflow/detail/stop_token.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

// The test suite's name, one per file that includes this.
#ifndef COFLOW_STOP_TOKEN_SUITE
#define COFLOW_STOP_TOKEN_SUITE StopToken
#endif

namespace stop_token_cases {

using namespace std::chrono_literals;

// Waits (a bounded time) until `done()`; true if it became so.
template <class F>
bool eventually(F done) {
  for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(1ms);
  return done();
}

TEST(COFLOW_STOP_TOKEN_SUITE, DefaultTokenNeverStops) {
  coflow::stop_token st;
  EXPECT_FALSE(st.stop_possible());
  EXPECT_FALSE(st.stop_requested());
}

TEST(COFLOW_STOP_TOKEN_SUITE, SourceRequestsStopOnce) {
  coflow::stop_source src;
  coflow::stop_token st = src.get_token();
  EXPECT_TRUE(src.stop_possible());
  EXPECT_TRUE(st.stop_possible());
  EXPECT_FALSE(st.stop_requested());
  EXPECT_TRUE(src.request_stop());
  EXPECT_FALSE(src.request_stop());  // already requested
  EXPECT_TRUE(st.stop_requested());
  EXPECT_TRUE(src.stop_requested());
  coflow::stop_token copy = st;
  EXPECT_TRUE(copy.stop_requested());
  EXPECT_TRUE(copy == st);
}

TEST(COFLOW_STOP_TOKEN_SUITE, NoStopPossibleOnceEverySourceIsGone) {
  coflow::stop_token st;
  {
    coflow::stop_source src;
    st = src.get_token();
    coflow::stop_source copy = src;  // sources share one state
    EXPECT_TRUE(st.stop_possible());
  }
  EXPECT_FALSE(st.stop_possible());
  EXPECT_FALSE(st.stop_requested());
}

TEST(COFLOW_STOP_TOKEN_SUITE, CallbackRunsOnRequestOrAtOnce) {
  coflow::stop_source src;
  int calls = 0;
  {
    coflow::stop_callback cb{src.get_token(), [&] { ++calls; }};
    EXPECT_EQ(calls, 0);
    src.request_stop();
    EXPECT_EQ(calls, 1);
    src.request_stop();
    EXPECT_EQ(calls, 1);
  }
  coflow::stop_callback late{src.get_token(), [&] { ++calls; }};  // already requested: runs here
  EXPECT_EQ(calls, 2);
}

TEST(COFLOW_STOP_TOKEN_SUITE, DestroyedCallbackDoesNotRun) {
  coflow::stop_source src;
  int calls = 0;
  auto count = [&] { ++calls; };
  std::optional<coflow::stop_callback<decltype(count)>> a, b;
  a.emplace(src.get_token(), count);
  b.emplace(src.get_token(), count);
  a.reset();
  src.request_stop();
  EXPECT_EQ(calls, 1);
}

TEST(COFLOW_STOP_TOKEN_SUITE, CallbackMayDestroyItself) {
  coflow::stop_source src;
  std::optional<coflow::stop_callback<std::function<void()>>> cb;
  bool ran = false;
  cb.emplace(src.get_token(), std::function<void()>{[&] {
               ran = true;
               cb.reset();
             }});
  src.request_stop();
  EXPECT_TRUE(ran);
  EXPECT_FALSE(cb.has_value());
}

TEST(COFLOW_STOP_TOKEN_SUITE, WorkerSeesRequestStop) {
  std::atomic<bool> started{false}, saw_stop{false};
  coflow::jthread worker{[&](coflow::stop_token st) {
    started = true;
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    saw_stop = true;
  }};
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  EXPECT_TRUE(worker.joinable());
  EXPECT_TRUE(worker.get_stop_token().stop_possible());
  EXPECT_TRUE(worker.request_stop());
  worker.join();
  EXPECT_FALSE(worker.joinable());
  EXPECT_TRUE(saw_stop);
}

TEST(COFLOW_STOP_TOKEN_SUITE, DestructorRequestsStopAndJoins) {
  std::atomic<bool> finished{false};
  {
    coflow::jthread worker{[&](coflow::stop_token st, int pause_ms) {
                             while (!st.stop_requested())
                               std::this_thread::sleep_for(std::chrono::milliseconds{pause_ms});
                             std::this_thread::sleep_for(20ms);  // still running when the destructor starts
                             finished = true;
                           },
                           1};
  }
  EXPECT_TRUE(finished);  // joined, not detached
}

TEST(COFLOW_STOP_TOKEN_SUITE, CallbackRunsOnRequestingThreadAndDestructorWaitsForIt) {
  coflow::stop_source src;
  std::atomic<bool> in_callback{false}, callback_done{false};
  std::optional<coflow::stop_callback<std::function<void()>>> cb;
  cb.emplace(src.get_token(), std::function<void()>{[&] {
               in_callback = true;
               std::this_thread::sleep_for(50ms);
               callback_done = true;
             }});
  coflow::jthread requester{[&] { src.request_stop(); }};  // takes no token
  ASSERT_TRUE(eventually([&] { return in_callback.load(); }));
  cb.reset();  // another thread runs it: waits until it returns
  EXPECT_TRUE(callback_done);
}

TEST(COFLOW_STOP_TOKEN_SUITE, MovedThreadKeepsItsStopState) {
  std::atomic<int> stops{0};
  coflow::jthread a{[&](coflow::stop_token st) {
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    ++stops;
  }};
  coflow::jthread b = std::move(a);
  EXPECT_FALSE(a.joinable());
  EXPECT_TRUE(b.joinable());
  coflow::jthread c;
  EXPECT_FALSE(c.joinable());
  c = std::move(b);
  c.request_stop();
  c.join();
  EXPECT_EQ(stops, 1);
}

}  // namespace stop_token_cases
