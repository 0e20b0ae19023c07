// SPDX-License-Identifier: BSL-1.0
// What every driver does with a spawned flow (coflow/scheduling/spawn.hpp): spawn_options, the
// turn of at most values_per_turn values, the flow destroyed before its deferred fires, trapped
// failures, and the wake state a driver parks a flow with. Run here on the coflow scheduler;
// tests/drivers/behaviour.test.cpp runs the flags on every driver with scripted values.
#include <coflow/coro/generator.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/for_each.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/map.hpp>
#include <coflow/stages/trap.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

using coflow::cooperate;
using coflow::failure;

namespace coflow_spawn_test {

/// Gives 1, 2, 3, ...; counts its destructions (a moved-from one does not count).
struct counted_source {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  static constexpr std::string_view stage_name = "counted_source";
  using upstreams = decltype(boost::hana::tuple_t<>);
  int* destroyed;
  int i = 0;
  explicit counted_source(int* d) : destroyed{d} {}
  counted_source(counted_source&& o) noexcept : destroyed{std::exchange(o.destroyed, nullptr)}, i{o.i} {}
  ~counted_source() {
    if (destroyed) ++*destroyed;
  }
  coflow::step<int> next() { return ++i; }
};

using trapped = std::variant<int, failure>;

constexpr int values_per_turn =
    coflow::detail::flow_body<coflow::iota_source<int>, coflow::detail::collector<int>,
                              std::vector<int>>::values_per_turn;

}  // namespace coflow_spawn_test

using namespace coflow_spawn_test;

TEST(SpawnOptions, NeitherFlagIsSetByDefaultAndEveryValueIsCollected) {
  constexpr coflow::spawn_options defaults{};
  static_assert(!defaults.fire_on_one_callback && !defaults.fire_on_one_errback);
  coflow::scheduler s;
  auto d = s.spawn(coflow::iota(0, 3 * values_per_turn + 1));  // several turns
  s.run();
  ASSERT_TRUE(d.succeeded());
  ASSERT_EQ(d.value().size(), std::size_t(3 * values_per_turn + 1));
  EXPECT_EQ(d.value().front(), 0);
  EXPECT_EQ(d.value().back(), 3 * values_per_turn);
}

TEST(SpawnOptions, FireOnOneCallbackEndsAnEndlessFlowAtItsFirstValue) {
  coflow::scheduler s;
  int calls = 0;
  auto d = s.spawn(coflow::iota(1) | coflow::map([&](int i) { return ++calls, i * 100; }),
                   {.fire_on_one_callback = true});
  s.run();  // returns: the endless flow is gone
  ASSERT_TRUE(d.succeeded());
  EXPECT_EQ(d.value(), std::vector<int>{100});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.flows(), 0u);
}

TEST(SpawnOptions, TheFlowIsDestroyedBeforeItsDeferredFires) {
  coflow::scheduler s;
  int destroyed = 0;
  int destroyed_when_fired = -1;
  auto d = s.spawn(counted_source{&destroyed}, {.fire_on_one_callback = true});
  d.both([&] { destroyed_when_fired = destroyed; });
  s.run();
  EXPECT_EQ(d.value(), std::vector<int>{1});
  EXPECT_EQ(destroyed_when_fired, 1);

  // The same when it fails.
  int failed_destroyed = 0;
  auto bad = s.spawn(counted_source{&failed_destroyed} | coflow::map([](int i) {
                       if (i == 3) throw std::length_error("three");
                       return i;
                     }));
  bad.both([&] { destroyed_when_fired = failed_destroyed; });
  s.run();
  ASSERT_TRUE(bad.failed());
  EXPECT_EQ(bad.error().message(), "three");
  EXPECT_EQ(destroyed_when_fired, 1);
}

TEST(SpawnOptions, FireOnOneCallbackWithoutAnyValueWaitsForTheEndOrTheFailure) {
  coflow::scheduler s;
  auto empty = s.spawn(coflow::scripted<int>({cooperate{}}), {.fire_on_one_callback = true});
  auto failing = s.spawn(coflow::scripted<int>({cooperate{}, failure::make(std::underflow_error("none"))}),
                         {.fire_on_one_callback = true});
  s.run();
  ASSERT_TRUE(empty.succeeded());
  EXPECT_TRUE(empty.value().empty());
  ASSERT_TRUE(failing.failed());
  EXPECT_TRUE(failing.error().is<std::underflow_error>());
}

// A stage whose `next()` throws when it is pulled again after a cooperate.
struct throws_when_retried : coflow::stage_base<> {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "throws when retried";
  int pulls = 0;
  coflow::step<int> next() {
    if (pulls++ == 0) return cooperate{};
    throw std::length_error("retried");
  }
};

// The generator's retried pull throws outside its body: the flow fails with that exception,
// after the value the generator gave, as a throwing stage fails a flow on the scheduler.
TEST(SpawnOptions, AGeneratorWhosePullThrowsWhenRetriedFailsTheFlow) {
  coflow::scheduler s;
  std::vector<int> seen;
  auto d = s.spawn(
      []() -> coflow::generator<int> {
        throws_when_retried stage;
        co_yield 1;
        while (auto v = co_await stage) co_yield *v;
      }(),
      coflow::for_each([&](int v) { seen.push_back(v); }));
  s.run();
  EXPECT_EQ(seen, (std::vector<int>{1}));
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.error().is<std::length_error>());
  EXPECT_EQ(d.error().message(), "retried");
}

TEST(SpawnOptions, FireOnOneErrbackFailsAtTheFailureATrapCaught) {
  auto flow = [] {
    return coflow::scripted<int>({1, cooperate{}, failure::make(std::range_error("out of range"))}) |
           coflow::trap<std::range_error>();
  };
  static_assert(std::is_same_v<coflow::value_t<decltype(flow())>, trapped>);
  coflow::scheduler s;
  auto errback = s.spawn(flow(), {.fire_on_one_errback = true});
  auto collect = s.spawn(flow());
  s.run();
  ASSERT_TRUE(errback.failed());
  EXPECT_TRUE(errback.error().is<std::range_error>());
  EXPECT_EQ(errback.error().message(), "out of range");
  EXPECT_THROW((void)errback.value(), std::range_error);
  // Without the flag the trapped failure is a value like the others.
  ASSERT_TRUE(collect.succeeded());
  ASSERT_EQ(collect.value().size(), 2u);
  EXPECT_EQ(std::get<int>(collect.value()[0]), 1);
  EXPECT_EQ(std::get<failure>(collect.value()[1]).message(), "out of range");
}

TEST(SpawnOptions, FireOnOneErrbackAlsoReadsAFlowOfFailures) {
  coflow::scheduler s;
  auto d = s.spawn(coflow::scripted<failure>({failure::make(std::overflow_error("big"))}),
                   {.fire_on_one_errback = true});
  s.run();
  ASSERT_TRUE(d.failed());
  EXPECT_TRUE(d.error().is<std::overflow_error>());
}

TEST(SpawnOptions, FireOnOneErrbackChangesNothingWithoutTrappedFailures) {
  coflow::scheduler s;
  auto plain = s.spawn(coflow::from({1, 2, 3}), {.fire_on_one_errback = true});
  auto untrapped = s.spawn(coflow::scripted<int>({1, failure::make(std::domain_error("loose")), 2}),
                           {.fire_on_one_errback = true});
  s.run();
  EXPECT_EQ(plain.value(), (std::vector<int>{1, 2, 3}));
  ASSERT_TRUE(untrapped.failed());
  EXPECT_TRUE(untrapped.error().is<std::domain_error>());
}

TEST(SpawnOptions, BothFlagsFireAtTheFirstValueOrTheFirstTrappedFailure) {
  const coflow::spawn_options both{.fire_on_one_callback = true, .fire_on_one_errback = true};
  coflow::scheduler s;
  auto value_first = s.spawn(
      coflow::scripted<int>({4, failure::make(std::range_error("later"))}) | coflow::trap<std::range_error>(),
      both);
  auto failure_first = s.spawn(
      coflow::scripted<int>({failure::make(std::range_error("first"))}) | coflow::trap<std::range_error>(),
      both);
  s.run();
  ASSERT_TRUE(value_first.succeeded());
  ASSERT_EQ(value_first.value().size(), 1u);
  EXPECT_EQ(std::get<int>(value_first.value()[0]), 4);
  ASSERT_TRUE(failure_first.failed());
  EXPECT_EQ(failure_first.error().message(), "first");
}

TEST(Spawn, AFlowThatNeverCooperatesGivesWayAfterValuesPerTurnValues) {
  std::vector<char> log;
  auto logged = [&log](char id) {
    return coflow::iota(0, 2 * values_per_turn) | coflow::map([&log, id](int i) {
             log.push_back(id);
             return i;
           });
  };
  coflow::scheduler s;
  auto a = s.spawn(logged('a'));
  auto b = s.spawn(logged('b'));
  s.run();
  EXPECT_EQ(a.value().size(), std::size_t(2 * values_per_turn));
  EXPECT_EQ(b.value().size(), std::size_t(2 * values_per_turn));
  // a's first turn, b's, a's, b's: four runs of values_per_turn values each.
  std::vector<std::pair<char, int>> runs;
  for (char id : log) {
    if (runs.empty() || runs.back().first != id) runs.emplace_back(id, 0);
    ++runs.back().second;
  }
  using run = std::pair<char, int>;
  EXPECT_EQ(
      runs,
      (std::vector<run>{
          {'a', values_per_turn}, {'b', values_per_turn}, {'a', values_per_turn}, {'b', values_per_turn}}));
}

TEST(Spawn, AnLvalueRangeIsReferredToAndAnRvalueOneIsOwned) {
  static_assert(std::is_same_v<coflow::detail::spawn_stage_t<std::vector<int>&>,
                               coflow::range_source<std::vector<int>, false>>);
  static_assert(std::is_same_v<coflow::detail::spawn_stage_t<std::vector<int>>,
                               coflow::range_source<std::vector<int>, true>>);
  std::vector<std::string> words{"a", "b"};
  coflow::scheduler s;
  auto d = s.spawn(words);
  static_assert(std::is_same_v<decltype(d), coflow::deferred<std::vector<std::string>>>);
  words[1] = "changed before the flow ran";
  s.run();
  EXPECT_EQ(d.value(), (std::vector<std::string>{"a", "changed before the flow ran"}));
}

TEST(Spawn, TrappedFailuresAreFoundInVariantsAndFailuresOnly) {
  using coflow::detail::may_hold_failure_v;
  static_assert(may_hold_failure_v<failure> && may_hold_failure_v<trapped>);
  static_assert(may_hold_failure_v<std::variant<std::string, int, failure>>);
  static_assert(!may_hold_failure_v<int> && !may_hold_failure_v<std::variant<int, std::string>>);
  const failure f = failure::make(std::runtime_error("x"));
  EXPECT_EQ(coflow::detail::trapped_failure(f), &f);
  trapped holds{f};
  ASSERT_NE(coflow::detail::trapped_failure(holds), nullptr);
  EXPECT_TRUE(*coflow::detail::trapped_failure(holds) == f);
  EXPECT_EQ(coflow::detail::trapped_failure(trapped{3}), nullptr);
  EXPECT_EQ(coflow::detail::trapped_failure(3), nullptr);
}

// A spawned flow's slot holds the task (its count, wake state, list links and flags), the
// stage and consumer, and the deferred's state: a trivial flow takes 144 B beside its stage.
TEST(Spawn, ATrivialFlowsSlotIsAtMost144BytesBesideItsStage) {
  using stage = coflow::scripted_source<int>;
  using task = coflow::detail::flow_task<stage, coflow::detail::collector<int>, std::vector<int>>;
  EXPECT_LE(sizeof(task) - sizeof(stage), 144u);
  EXPECT_LE(sizeof(coflow::detail::deferred_state<std::vector<int>>), 56u);
  EXPECT_EQ(sizeof(coflow::waker), sizeof(void*));
}

TEST(WakeState, AWakeWhileTheFlowIsOwnedIsRememberedForItsPark) {
  coflow::detail::wake_state w;
  EXPECT_FALSE(w.is_idle());
  EXPECT_FALSE(w.wake());      // running: the driver owns it, nothing to enqueue
  EXPECT_FALSE(w.try_idle());  // so its park does not stick: it must run again
  EXPECT_FALSE(w.is_idle());
  EXPECT_TRUE(w.try_idle());  // no wake this time: it parks
  EXPECT_TRUE(w.is_idle());
}

TEST(WakeState, OnlyTheFirstWakeOfAnIdleFlowEnqueuesIt) {
  coflow::detail::wake_state w;
  ASSERT_TRUE(w.try_idle());
  EXPECT_TRUE(w.wake());  // the caller enqueues it
  EXPECT_FALSE(w.is_idle());
  EXPECT_FALSE(w.wake());  // queued already
  EXPECT_FALSE(w.try_idle());
  EXPECT_TRUE(w.try_idle());
  w.finish();
  EXPECT_FALSE(w.wake());  // finished: never enqueued again
  EXPECT_FALSE(w.is_idle());
}
