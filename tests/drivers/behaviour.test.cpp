// SPDX-License-Identifier: BSL-1.0
// The behaviour of spawned flows, on the coflow scheduler and on the Boost.Asio driver alike.
#include "drivers/drivers.hpp"
#include "support/stages.hpp"

#include <coflow/coro/generator.hpp>
#include <coflow/sinks/fold.hpp>
#include <coflow/sinks/for_each.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/merge.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;
using coflow::failure;

namespace coflow_behaviour_test {

template <class D>
class Driver : public ::testing::Test {
 protected:
  D driver;
};

struct driver_names {
  template <class D>
  static std::string GetName(int) {
    return std::string{D::name};
  }
};

using drivers = ::testing::Types<coflow_test::scheduler_driver, coflow_test::asio_driver>;
TYPED_TEST_SUITE(Driver, drivers, driver_names);

/// Gives `cooperate{0}` `turns` times, logging its id at each pull, then ends.
struct yielder {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "yielder";
  using upstreams = decltype(boost::hana::tuple_t<>);

  int id;
  int turns;
  std::vector<int>* log;

  coflow::step<int> next() {
    log->push_back(id);
    if (turns-- == 0) return coflow::done;
    return cooperate{};
  }
};

using coflow_test::parked_forever;

/// Sleeps 10 s at its first pull, keeping its waker where the test can fire it.
struct sleeper {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "sleeper";
  using upstreams = decltype(boost::hana::tuple_t<>);
  coflow::waker* slot;
  int pulls = 0;
  coflow::step<int> next() {
    if (pulls++ == 0) {
      *slot = coflow::current_waker();
      return cooperate{10s};
    }
    return coflow::done;
  }
};

TYPED_TEST(Driver, CollectsEveryValue) {
  auto d = this->driver.spawn(coflow::scripted<int>({1, 2, cooperate{}, 3, cooperate{1ms}, 4}));
  EXPECT_FALSE(d.fired());
  this->driver.run();
  ASSERT_TRUE(d.succeeded());
  EXPECT_EQ(d.value(), (std::vector<int>{1, 2, 3, 4}));
}

// A sink without a result (for_each) once made spawn fail to compile; its deferred is void.
TYPED_TEST(Driver, ASinkWithoutAResultFiresAVoidDeferred) {
  std::vector<int> seen;
  coflow::deferred<void> d = this->driver.spawn(coflow::scripted<int>({1, cooperate{}, 2}),
                                                coflow::for_each([&](int v) { seen.push_back(v); }));
  this->driver.run();
  EXPECT_TRUE(d.succeeded());
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

// A sink's function that throws once left the driver's loop, ending every flow on it; it
// fails its own flow (with the original type), as `flow | sink` does, and the others go on.
TYPED_TEST(Driver, AThrowingSinkFailsItsFlowOnly) {
  auto bad =
      this->driver.spawn(coflow::scripted<int>({1, cooperate{}, 2, 3}), coflow::fold(0, [](int acc, int v) {
                           if (v == 2) throw std::domain_error("two");
                           return acc + v;
                         }));
  auto good = this->driver.spawn(coflow::scripted<int>({1, cooperate{}, cooperate{}, 2}),
                                 coflow::fold(0, std::plus<>{}));
  this->driver.run();
  ASSERT_TRUE(bad.failed());
  EXPECT_TRUE(bad.error().template is<std::domain_error>());
  EXPECT_EQ(bad.error().message(), "two");
  EXPECT_EQ(good.value(), 3);
}

TYPED_TEST(Driver, RunsRangesAndOwnsThem) {
  auto d = this->driver.spawn(std::vector<std::string>{"one", "two"});
  this->driver.run();
  EXPECT_EQ(d.value(), (std::vector<std::string>{"one", "two"}));
}

TYPED_TEST(Driver, FireOnOneCallbackGivesTheFirstValueAndDestroysTheFlow) {
  int destroyed = 0;
  auto flow = coflow::generator<int>([](int* destructions) -> coflow::generator<int> {
    struct guard {
      int* d;
      ~guard() { ++*d; }
    } g{destructions};
    co_yield cooperate{};
    co_yield 7;
    co_yield 8;
    ADD_FAILURE() << "pulled past the first value";
  }(&destroyed));
  auto d = this->driver.spawn(std::move(flow), coflow::spawn_options{.fire_on_one_callback = true});
  this->driver.run();
  ASSERT_TRUE(d.succeeded());
  EXPECT_EQ(d.value(), (std::vector<int>{7}));
  EXPECT_EQ(destroyed, 1);
}

TYPED_TEST(Driver, FireOnOneErrbackFiresAtTheFirstTrappedFailure) {
  using V = std::variant<int, failure>;
  auto script = [] {
    return coflow::scripted<V>({V{1}, cooperate{}, V{failure::make(std::out_of_range("trapped"))}, V{2}});
  };
  auto first = this->driver.spawn(script(), coflow::spawn_options{.fire_on_one_errback = true});
  auto all = this->driver.spawn(script());
  this->driver.run();
  ASSERT_TRUE(first.failed());
  EXPECT_TRUE(first.error().template is<std::out_of_range>());
  EXPECT_EQ(first.error().message(), "trapped");
  ASSERT_TRUE(all.succeeded());
  ASSERT_EQ(all.value().size(), 3u);
  EXPECT_EQ(std::get<int>(all.value()[0]), 1);
  EXPECT_TRUE(std::get<failure>(all.value()[1]).template is<std::out_of_range>());
  EXPECT_EQ(std::get<int>(all.value()[2]), 2);
}

TYPED_TEST(Driver, AFailureErrbacksWithTheOriginalType) {
  auto d = this->driver.spawn(
      coflow::scripted<int>({1, cooperate{}, failure::make(std::invalid_argument("bad input")), 2}));
  std::vector<std::string> seen;
  d.on_error([&](const failure& f) { seen.push_back(f.type_name()); });
  this->driver.run();
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.error().template is<std::invalid_argument>());
  EXPECT_THROW(d.error().rethrow(), std::invalid_argument);
  EXPECT_THROW((void)d.value(), std::invalid_argument);
  EXPECT_EQ(seen, (std::vector<std::string>{"std::invalid_argument"}));
}

TYPED_TEST(Driver, SpawnsIntoAFoldSink) {
  coflow::deferred<int> sum =
      this->driver.spawn(coflow::scripted<int>({1, 2, cooperate{}, 3, 4}), coflow::fold(0, std::plus<>{}));
  this->driver.run();
  EXPECT_EQ(sum.value(), 10);
}

TYPED_TEST(Driver, ATimedCooperateSleepsWhileOthersRun) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  clock::time_point woke{};
  int busy_turns_before = 0, busy_turns = 0;
  bool slept_done = false;

  auto sleeper =
      coflow::generator<int>([](clock::time_point* when, bool* finished) -> coflow::generator<int> {
        co_yield cooperate{50ms};
        *when = clock::now();
        *finished = true;
        co_yield 1;
      }(&woke, &slept_done));
  auto busy = coflow::generator<int>([](const bool* other_done, int* turns) -> coflow::generator<int> {
    while (!*other_done) {
      ++*turns;
      co_yield cooperate{};
    }
    co_yield 2;
  }(&slept_done, &busy_turns));

  auto a = this->driver.spawn(std::move(sleeper));
  auto b = this->driver.spawn(std::move(busy));
  a.then([&](const std::vector<int>&) { busy_turns_before = busy_turns; });
  this->driver.run();
  EXPECT_EQ(a.value(), std::vector<int>{1});
  EXPECT_EQ(b.value(), std::vector<int>{2});
  EXPECT_GE(woke - start, 50ms);
  EXPECT_GT(busy_turns_before, 10);  // the other flow kept running while this one slept
}

TYPED_TEST(Driver, ThousandFlowsInterleaveRoundRobin) {
  constexpr int flows = 1000, turns = 3;
  std::vector<int> log;
  log.reserve(flows * (turns + 1));
  std::vector<coflow::deferred<std::vector<int>>> results;
  for (int i = 0; i < flows; ++i) results.push_back(this->driver.spawn(yielder{i, turns, &log}));
  this->driver.run();
  ASSERT_EQ(log.size(), static_cast<std::size_t>(flows * (turns + 1)));
  for (std::size_t k = 0; k < log.size(); ++k) ASSERT_EQ(log[k], static_cast<int>(k % flows)) << "pull " << k;
  for (auto& r : results) EXPECT_TRUE(r.succeeded());
}

TYPED_TEST(Driver, AFlowThatNeverCooperatesDoesNotStarveTheOthers) {
  std::vector<int> log;
  auto talker = [&log](int id) -> coflow::generator<int> {
    for (int i = 0; i < 500; ++i) {
      log.push_back(id);
      co_yield i;
    }
  };
  auto a = this->driver.spawn(talker(0));
  auto b = this->driver.spawn(talker(1));
  this->driver.run();
  EXPECT_EQ(a.value().size(), 500u);
  EXPECT_EQ(b.value().size(), 500u);
  auto first_b = std::find(log.begin(), log.end(), 1);
  auto last_a = std::find(log.rbegin(), log.rend(), 0).base();
  EXPECT_LT(first_b, last_a);  // b ran before a finished
}

TYPED_TEST(Driver, CancellingASpawnedFlowDestroysItAndErrbacks) {
  int destroyed = 0;
  auto d = this->driver.spawn(parked_forever{&destroyed});
  std::vector<std::string> errors;
  d.on_error([&](const failure& f) { errors.push_back(f.type_name()); });
  this->driver.call_later(2ms, [d]() mutable { d.cancel(); });
  this->driver.run();  // returns: the cancelled flow is gone
  EXPECT_EQ(destroyed, 1);
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.cancelled());
  EXPECT_TRUE(d.error().template is<coflow::cancelled_error>());
  EXPECT_EQ(errors, std::vector<std::string>{"coflow::cancelled_error"});
}

TYPED_TEST(Driver, CancellingASleepingFlowEndsTheRunEarly) {
  using clock = std::chrono::steady_clock;
  auto d = this->driver.spawn(coflow::scripted<int>({1, cooperate{10s}, 2}));
  this->driver.call_later(1ms, [d]() mutable { d.cancel(); });
  const auto start = clock::now();
  this->driver.run();
  EXPECT_LT(clock::now() - start, 5s);  // not a timing bound: the 10 s timer must be gone
  EXPECT_TRUE(d.error().template is<coflow::cancelled_error>());
}

TYPED_TEST(Driver, ADeferredFiredLaterWakesTheFlow) {
  coflow::deferred<std::string> later;
  auto flow = [](coflow::deferred<std::string> d) -> coflow::generator<std::string> {
    auto s = coflow::from(d);
    co_yield "before";
    while (auto v = co_await s) co_yield *v;
    co_yield "after";
  }(later);
  auto d = this->driver.spawn(std::move(flow));
  this->driver.call_later(5ms, [later]() mutable { later.callback("test"); });
  this->driver.run();
  EXPECT_EQ(d.value(), (std::vector<std::string>{"before", "test", "after"}));
}

TYPED_TEST(Driver, MergeOfADeferredFiredOnTheNextTurn) {
  // The seed's test: merge(deferred fired later, [1, 2, cooperate, 3]) gives 1 2 test 3.
  using V = std::variant<std::string, int>;
  coflow::deferred<std::string> later;
  auto d =
      this->driver.spawn(coflow::merge(coflow::from(later), coflow::scripted<int>({1, 2, cooperate{}, 3})));
  this->driver.call_later(0ms, [later]() mutable { later.callback("test"); });
  this->driver.run();
  EXPECT_EQ(d.value(), (std::vector<V>{V{1}, V{2}, V{std::string{"test"}}, V{3}}));
}

TYPED_TEST(Driver, MergeOfAnAlreadyFiredDeferred) {
  using V = std::variant<std::string, int>;
  auto d = this->driver.spawn(
      coflow::merge(coflow::from(coflow::deferred<std::string>::succeed("now")), coflow::from({1, 2})));
  this->driver.run();
  EXPECT_EQ(d.value(), (std::vector<V>{V{std::string{"now"}}, V{1}, V{2}}));
}

TYPED_TEST(Driver, AnAlreadyFiredDeferredGivesItsValueAtOnce) {
  auto d = this->driver.spawn(coflow::from(coflow::deferred<int>::succeed(5)));
  this->driver.run();
  EXPECT_EQ(d.value(), std::vector<int>{5});
}

TYPED_TEST(Driver, AnErrbackedDeferredGivesAFailure) {
  coflow::deferred<int> later;
  auto d = this->driver.spawn(coflow::from(later));
  this->driver.call_later(1ms,
                          [later]() mutable { later.errback(failure::make(std::domain_error("late"))); });
  this->driver.run();
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.error().template is<std::domain_error>());
}

TYPED_TEST(Driver, AWakeEndsATimedSleepEarly) {
  using clock = std::chrono::steady_clock;
  coflow::waker slot;
  auto d = this->driver.spawn(sleeper{&slot});
  this->driver.call_later(2ms, [&] { slot.wake(); });
  const auto start = clock::now();
  this->driver.run();
  EXPECT_LT(clock::now() - start, 5s);  // not a timing bound: the 10 s sleep must be cut short
  EXPECT_TRUE(d.succeeded());
}

TYPED_TEST(Driver, CallLaterRunsInDeadlineOrderAndCanBeCancelled) {
  std::vector<int> order;
  this->driver.call_later(20ms, [&] { order.push_back(2); });
  this->driver.call_later(5ms, [&] { order.push_back(1); });
  auto h = this->driver.call_later(10ms, [&] { order.push_back(99); });
  EXPECT_TRUE(h.pending());
  this->driver.call_later(1ms, [&] { EXPECT_TRUE(h.cancel()); });
  this->driver.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_FALSE(h.pending());
  EXPECT_FALSE(h.cancel());
}

TYPED_TEST(Driver, CallbacksAddedAfterTheFlowEndedRunAtOnce) {
  auto d = this->driver.spawn(coflow::from({1, 2}));
  this->driver.run();
  int seen = 0;
  d.then([&](const std::vector<int>& v) { seen = static_cast<int>(v.size()); });
  EXPECT_EQ(seen, 2);
}

}  // namespace coflow_behaviour_test
