// SPDX-License-Identifier: BSL-1.0
#include <coflow/control/block.hpp>
#include <coflow/scheduling/deferred.hpp>
#include <coflow/sources/from.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using coflow::deferred;
using coflow::failure;

TEST(Deferred, CallbacksRunInOrderWhenItFires) {
  deferred<int> d;
  std::vector<std::string> log;
  d.then([&](int v) { log.push_back("then " + std::to_string(v)); })
      .on_error([&](const failure&) { log.push_back("on_error"); })
      .both([&](const deferred<int>& r) { log.push_back(r.succeeded() ? "both ok" : "both failed"); });
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(d.fired());
  d.callback(3);
  EXPECT_EQ(log, (std::vector<std::string>{"then 3", "both ok"}));
  EXPECT_TRUE(d.succeeded());
  EXPECT_EQ(d.value(), 3);
}

TEST(Deferred, ACallbackAddedAfterItFiredRunsAtOnce) {
  deferred<std::string> d;
  d.callback("done");
  std::string seen;
  d.then([&](const std::string& v) { seen = v; });
  EXPECT_EQ(seen, "done");
}

TEST(Deferred, ErrbackKeepsTheOriginalException) {
  deferred<int> d;
  std::string type;
  d.on_error([&](const failure& f) { type = f.type_name(); });
  d.then([](int) { ADD_FAILURE() << "callback on a failure"; });
  d.errback(failure::make(std::out_of_range("far")));
  EXPECT_EQ(type, "std::out_of_range");
  EXPECT_TRUE(d.failed());
  EXPECT_TRUE(d.error().is<std::out_of_range>());
  EXPECT_THROW((void)d.value(), std::out_of_range);
}

TEST(Deferred, FiringTwiceIsAnError) {
  deferred<int> d;
  d.callback(1);
  EXPECT_THROW(d.callback(2), coflow::already_fired_error);
  EXPECT_THROW(d.errback(failure::make(std::runtime_error("x"))), coflow::already_fired_error);
  EXPECT_EQ(d.value(), 1);
}

TEST(Deferred, CancelErrbacksAndRunsTheCanceller) {
  int cancellers = 0;
  deferred<int> d{[&](const deferred<int>&) { ++cancellers; }};
  std::string type;
  d.on_error([&](const failure& f) { type = f.type_name(); });
  d.cancel();
  EXPECT_EQ(cancellers, 1);
  EXPECT_TRUE(d.cancelled());
  EXPECT_EQ(type, "coflow::cancelled_error");
  d.callback(5);  // a late result of a cancelled operation is dropped
  EXPECT_TRUE(d.failed());
  d.cancel();  // no effect once fired
  EXPECT_EQ(cancellers, 1);
}

TEST(Deferred, CancelAfterItFiredDoesNothing) {
  deferred<int> d;
  d.callback(4);
  d.cancel();
  EXPECT_FALSE(d.cancelled());
  EXPECT_EQ(d.value(), 4);
}

TEST(Deferred, ACancellerMayFireTheDeferredItself) {
  deferred<int> d{[](const deferred<int>& self) { deferred<int>{self}.callback(-1); }};
  d.cancel();
  EXPECT_TRUE(d.succeeded());
  EXPECT_EQ(d.value(), -1);
}

TEST(Deferred, VoidDeferred) {
  deferred<> d;
  int calls = 0;
  d.then([&] { ++calls; }).both([&] { ++calls; });
  d.callback();
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(d.succeeded());
}

TEST(Deferred, CopiesShareOneResult) {
  deferred<int> a;
  deferred<int> b = a;
  b.callback(9);
  EXPECT_EQ(a.value(), 9);
  EXPECT_EQ(a, b);
}

TEST(Deferred, CallbacksAddedWhileFiringRunInTheSamePass) {
  deferred<int> d;
  std::vector<int> order;
  d.then([&](int) {
    order.push_back(1);
    d.then([&](int) { order.push_back(3); });
  });
  d.then([&](int) { order.push_back(2); });
  d.callback(0);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Deferred, MoveOnlyCallbacks) {
  deferred<int> d;
  int seen = 0;
  auto p = std::make_unique<int>(100);
  d.then([p = std::move(p), &seen](int v) { seen = *p + v; });
  d.callback(12);
  EXPECT_EQ(seen, 112);
}

TEST(FromDeferred, AnAlreadyFiredDeferredGivesItsValueAtOnce) {
  auto s = coflow::from(deferred<int>::succeed(5));
  static_assert(coflow::stage<decltype(s)>);
  auto st = s.next();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(*st, 5);
  EXPECT_TRUE(s.next().is_done());
}

TEST(FromDeferred, AnUnfiredDeferredParksUntilItFires) {
  deferred<int> d;
  auto s = coflow::from(d);
  auto st = s.next();
  ASSERT_TRUE(st.is_cooperate());
  EXPECT_TRUE(st.cooperation().parked());
  d.callback(8);
  st = s.next();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(*st, 8);
}

TEST(FromDeferred, AnErrbackedDeferredGivesAFailure) {
  auto s = coflow::from(deferred<int>::fail(failure::make(std::length_error("long"))));
  auto st = s.next();
  ASSERT_TRUE(st.is_failure());
  EXPECT_TRUE(st.error().is<std::length_error>());
  EXPECT_TRUE(s.next().is_done());
}

TEST(FromDeferred, RegistersTheCurrentWaker) {
  struct target : coflow::waker::target {
    int wakes = 0;
    void wake() noexcept override { ++wakes; }
  };
  auto t = std::make_shared<target>();
  coflow::waker w{t};
  deferred<int> d;
  auto s = coflow::from(d);
  {
    coflow::waker_scope scope{w};
    EXPECT_TRUE(s.next().is_cooperate());
    EXPECT_TRUE(s.next().is_cooperate());  // registered once
  }
  EXPECT_EQ(t->wakes, 0);
  d.callback(1);
  EXPECT_EQ(t->wakes, 1);
}

TEST(FromDeferred, BlocksLikeAnyStage) {
  std::vector<int> got;
  for (int v : coflow::block(coflow::from(deferred<int>::succeed(3)))) got.push_back(v);
  EXPECT_EQ(got, std::vector<int>{3});
}
