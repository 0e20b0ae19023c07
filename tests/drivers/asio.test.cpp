// SPDX-License-Identifier: BSL-1.0
// What only the Asio driver has: completion tokens, executors, and virtual time on an io_context.
#include <coflow/asio.hpp>
#include <coflow/coflow.hpp>
#include <coflow/sinks/fold.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>

#include "support/count_allocations.hpp"
#include "support/stages.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <future>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

// Gives 1, 2, ..., n, parking before each value: a turn that parks posts a handler that wakes
// the flow, as the producer of an event on the same io_context would.
struct parker {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "parker";
  using upstreams = decltype(boost::hana::tuple_t<>);
  boost::asio::io_context* ctx;
  int n;
  int given = 0;
  bool parked = false;
  coflow::step<int> next() {
    if (std::exchange(parked, false)) return ++given;
    if (given == n) return coflow::done;
    parked = true;
    boost::asio::post(*ctx, [w = coflow::current_waker()] { w.wake(); });
    return cooperate::park();
  }
};

// Allocations made while a flow parked and woken `n` times runs into a fold, and its sum.
std::pair<long, int> park_and_wake(int n) {
  boost::asio::io_context ctx{1};
  long before = coflow_test::allocations.load();
  auto d = coflow::asio::spawn(ctx, parker{&ctx, n}, coflow::fold(0, [](int a, int b) { return a + b; }));
  ctx.run();
  return {coflow_test::allocations.load() - before, d.value()};
}

// Parks, leaving its waker in `*slot` (an event's producer elsewhere); counts its destructions
// (a moved-from one does not count).
struct waker_giver {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "waker_giver";
  using upstreams = decltype(boost::hana::tuple_t<>);
  std::optional<coflow::waker>* slot;
  int* destroyed;
  waker_giver(std::optional<coflow::waker>* s, int* d) : slot{s}, destroyed{d} {}
  waker_giver(waker_giver&& o) noexcept : slot{o.slot}, destroyed{std::exchange(o.destroyed, nullptr)} {}
  ~waker_giver() {
    if (destroyed) ++*destroyed;
  }
  coflow::step<int> next() {
    *slot = coflow::current_waker();
    return cooperate::park();
  }
};
}  // namespace coflow_asio_test

using coflow_asio_test::spinner;
using coflow_asio_test::waker_giver;

TEST(AsioDriver, AParkedFlowWhoseWakersAreGoneIsDestroyedAndErrbacks) {
  // The deferred's canceller does not keep the flow: the last waker does.
  boost::asio::io_context ctx{1};
  std::optional<coflow::waker> slot;
  int destroyed = 0;
  auto d = coflow::asio::spawn(ctx, waker_giver{&slot, &destroyed});
  ctx.poll();  // its first turn parks
  ASSERT_TRUE(slot.has_value());
  EXPECT_FALSE(d.fired());
  slot.reset();
  EXPECT_EQ(destroyed, 1);
  EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
  d.cancel();  // fired already: nothing happens
  EXPECT_FALSE(d.cancelled());
  EXPECT_EQ(ctx.poll(), 0u);
}

TEST(AsioDriver, CancellingAParkedFlowDestroysItWhileAWakerLivesOn) {
  boost::asio::io_context ctx{1};
  std::optional<coflow::waker> slot;
  int destroyed = 0;
  auto d = coflow::asio::spawn(ctx, waker_giver{&slot, &destroyed});
  ctx.poll();
  ASSERT_TRUE(slot.has_value());
  d.cancel();
  EXPECT_EQ(destroyed, 1);
  EXPECT_TRUE(d.cancelled());
  EXPECT_TRUE(d.error().is<coflow::cancelled_error>());
  slot->wake();  // the flow has finished: the wake-up is dropped
  EXPECT_EQ(ctx.poll(), 0u);
  slot.reset();  // the task's last owner
}

TEST(AsioDriver, AParkAndAWakeUpAllocateNothing) {
  // The flow's wakers are the flow's task itself, which counts them; Asio recycles the memory
  // of the handlers. So a thousand more wake-ups cost no allocation.
  auto [few_allocs, few] = coflow_asio_test::park_and_wake(10);
  auto [many_allocs, many] = coflow_asio_test::park_and_wake(1010);
  EXPECT_EQ(few, 10 * 11 / 2);
  EXPECT_EQ(many, 1010 * 1011 / 2);
  EXPECT_GT(few_allocs, 0);  // the spawn's
  EXPECT_EQ(many_allocs, few_allocs);
}

namespace coflow_asio_test {
// The service of Asio's steady timers, which starts the context's reactor.
using steady_timer_service =
    boost::asio::detail::deadline_timer_service<boost::asio::detail::chrono_time_traits<
        std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>>>;
}  // namespace coflow_asio_test

TEST(AsioDriver, AFlowMakesItsTimerOnItsFirstSleepOnly) {
  // A flow that never sleeps has no timer: its task is small, and Asio starts no reactor
  // (which it would then poll with a system call whenever its handler queue runs dry).
  using stage = coflow::scripted_source<int>;
  using spec = coflow::detail::collect_spec<stage>;
  using task =
      coflow::asio::detail::task<boost::asio::io_context::executor_type, stage, spec::consumer, spec::result>;
  EXPECT_LE(sizeof(task) - sizeof(stage), 128u);  // 224 with the timer in the task
  boost::asio::io_context ctx{1};
  auto quick = coflow::asio::spawn(ctx, coflow::scripted<int>({1, cooperate{}, 2}));
  ctx.run();
  EXPECT_EQ(quick.value(), (std::vector<int>{1, 2}));
  EXPECT_FALSE(boost::asio::has_service<coflow_asio_test::steady_timer_service>(ctx));
  ctx.restart();
  auto sleeper = coflow::asio::spawn(ctx, coflow::scripted<int>({1, cooperate{1us}, 2}));
  ctx.run();
  EXPECT_EQ(sleeper.value(), (std::vector<int>{1, 2}));
  EXPECT_TRUE(boost::asio::has_service<coflow_asio_test::steady_timer_service>(ctx));
}

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

// ---------------------------------------------------------------------------------------------
// Virtual time on the Asio driver: every time-based stage gives, at the same virtual instants,
// what it gives on a scheduler on virtual time (each scenario runs on both; no test sleeps).

namespace coflow_asio_vtime {

using ns = std::chrono::nanoseconds;
using vi = std::vector<int>;

struct on_scheduler {
  coflow::virtual_clock clock;
  coflow::scheduler sched{clock};
  template <class F>
  void call_later(ns d, F f) {
    sched.call_later(d, std::move(f));
  }
  template <class... A>
  auto spawn(A&&... a) {
    return sched.spawn(std::forward<A>(a)...);
  }
  void advance(ns d) { sched.advance(d); }
};

struct on_asio {
  coflow::virtual_clock clock;
  boost::asio::io_context ctx;
  on_asio() { coflow::asio::use_virtual_clock(ctx, clock); }
  template <class F>
  coflow::asio::timer_handle call_later(ns d, F f) {
    return coflow::asio::call_later(ctx, d, std::move(f));
  }
  template <class... A>
  auto spawn(A&&... a) {
    return coflow::asio::spawn(ctx, std::forward<A>(a)...);
  }
  void advance(ns d) { coflow::asio::advance(ctx, d); }
};

inline std::string show(int v) {
  return std::to_string(v);
}
inline std::string show(std::size_t v) {
  return std::to_string(v);
}
inline std::string show(const vi& v) {
  std::string s = "{";
  for (int x : v) s += (s.size() > 1 ? "," : "") + std::to_string(x);
  return s + "}";
}

/// What a flow gave and at which virtual instants (in ms), and how and when it ended.
template <class D>
struct trace {
  D on;
  std::string log;

  [[nodiscard]] std::string at() const {
    return "@" + std::to_string(
                     std::chrono::duration_cast<std::chrono::milliseconds>(on.clock.now().time_since_epoch())
                         .count());
  }
  /// A map stage that logs each value with the time it passes.
  auto stamp() {
    return coflow::map([this](auto v) {
      log += show(v) + at() + " ";
      return v;
    });
  }
  /// Logs how the deferred ends, when it does.
  template <class R>
  void watch(coflow::deferred<R>& d) {
    d.both([this](const coflow::deferred<R>& r) {
      log += (r.failed() ? "failed(" + r.error().type_name() + ")" : std::string{"done"}) + at();
    });
  }
  /// Spawns `flow`, logs how it ends, and advances the clock by each of `steps` in turn; an end
  /// before the last step is logged as "early ".
  template <class Flow>
  void play(Flow&& flow, std::initializer_list<ns> steps) {
    auto d = on.spawn(std::forward<Flow>(flow));
    watch(d);
    std::size_t left = steps.size();
    for (ns step : steps) {
      on.advance(step);
      if (--left > 0 && d.fired()) log += "early ";
    }
  }
  /// A callback source fed `values[i]` at `at[i]`, then finished (or failed) at `end`.
  coflow::callback_stage<int> feed(std::vector<std::pair<ns, int>> values, ns end, bool fail = false) {
    return coflow_test::fed_at([this](ns at, auto fn) { on.call_later(at, std::move(fn)); },
                               std::move(values), end, fail);
  }
};

/// Runs `scenario(trace&)` on a scheduler and on the Asio driver, both on virtual time; the
/// two logs must be `want`.
template <class F>
void same_on_both(const std::string& want, F scenario) {
  trace<on_scheduler> s;
  scenario(s);
  EXPECT_EQ(s.log, want) << "on the scheduler";
  trace<on_asio> a;
  scenario(a);
  EXPECT_EQ(a.log, want) << "on the Asio driver";
}

}  // namespace coflow_asio_vtime

using coflow_asio_vtime::same_on_both;

TEST(AsioVirtualTime, CallLaterFiresWhenTheClockReachesItAndCancels) {
  coflow_asio_vtime::on_asio t;
  std::vector<coflow_asio_vtime::ns> fired;
  auto elapsed = [&] { return t.clock.now().time_since_epoch(); };
  t.call_later(2h, [&] { fired.push_back(elapsed()); });
  t.call_later(1h, [&] { fired.push_back(elapsed()); });
  auto dropped = t.call_later(1h, [&] { fired.push_back(0s); });
  coflow::asio::run_until_idle(t.ctx);  // nothing is due before the clock moves
  EXPECT_TRUE(fired.empty());
  EXPECT_TRUE(dropped.cancel());
  t.advance(90min);
  EXPECT_EQ(fired, (std::vector<coflow_asio_vtime::ns>{1h}));
  t.advance(1h);
  EXPECT_EQ(fired, (std::vector<coflow_asio_vtime::ns>{1h, 2h}));
  EXPECT_EQ(elapsed(), 150min);
}

TEST(AsioVirtualTime, TheStagesReadTheClockInsideTheLoopOnly) {
  coflow_asio_vtime::on_asio t;
  t.clock.advance(5s);
  coflow_asio_vtime::ns seen{};
  t.call_later(0s, [&] { seen = coflow::now().time_since_epoch(); });
  coflow::asio::run_until_idle(t.ctx);
  EXPECT_EQ(seen, 5s);
  EXPECT_NE(coflow::now().time_since_epoch(), 5s);  // outside the loop: the steady clock
}

TEST(AsioVirtualTime, ACooperatingFlowSleepsOnTheVirtualClock) {
  same_on_both("1@0 2@10000 done@10000", [](auto& t) {
    t.play(coflow::scripted<int>({1, cooperate{10s}, 2}) | t.stamp(), {9s, 1s});
  });
}

TEST(AsioVirtualTime, Interval) {
  same_on_both("0@1000 1@2000 2@3000 done@3000",
               [](auto& t) { t.play(coflow::interval(1s) | coflow::take(3) | t.stamp(), {10s}); });
}

TEST(AsioVirtualTime, Timeout) {
  same_on_both("1@600000 2@1800000 failed(coflow::timeout_error)@5400000", [](auto& t) {
    t.play(t.feed({{10min, 1}, {30min, 2}}, 3h) | t.stamp() | coflow::timeout(1h), {89min, 1min});
  });
}

TEST(AsioVirtualTime, Delay) {
  same_on_both("0@2000 1@4000 2@6000 done@6000",
               [](auto& t) { t.play(coflow::iota(0, 3) | coflow::delay(2s) | t.stamp(), {1min}); });
}

TEST(AsioVirtualTime, Throttle) {
  same_on_both("1@0 2@3000 3@6000 4@9000 done@20000", [](auto& t) {
    t.play(t.feed({{0s, 1}, {1s, 2}, {1s, 3}, {9s, 4}}, 20s) | coflow::throttle(3s) | t.stamp(), {1min});
  });
}

TEST(AsioVirtualTime, ChunkWithin) {
  same_on_both("{1,2,3}@0 {4}@60 {5,6}@230 done@230", [](auto& t) {
    t.play(t.feed({{0ms, 1}, {0ms, 2}, {0ms, 3}, {10ms, 4}, {200ms, 5}, {220ms, 6}}, 230ms) |
               coflow::chunk(3, 50ms) | t.stamp(),
           {1s});
  });
  same_on_both("{1,2}@2 failed(std::runtime_error)@2", [](auto& t) {
    t.play(t.feed({{0ms, 1}, {1ms, 2}}, 2ms, true) | coflow::chunk(5, 1s) | t.stamp(), {1s});
  });
}

TEST(AsioVirtualTime, RetryWaitsItsBackoff) {
  same_on_both("made@0 1@0 made@1000 2@1000 made@3000 30@3000 done@3000", [](auto& t) {
    auto made = std::make_shared<int>(0);
    t.play(coflow::retry(
               3, coflow::exponential_backoff{1s, 2.0, 1min},
               [&t, made] {
                 t.log += "made" + t.at() + " ";
                 if (++*made < 3)
                   return coflow::scripted<int>({*made, coflow::failure::make(std::runtime_error("flaky"))});
                 return coflow::scripted<int>({*made * 10});
               }) |
               t.stamp(),
           {1h});
  });
  same_on_both("made@0 made@5000 made@10000 failed(std::out_of_range)@10000", [](auto& t) {
    t.play(coflow::retry(2, 5s,
                         [&t] {
                           t.log += "made" + t.at() + " ";
                           return coflow::scripted<int>({coflow::failure::make(std::out_of_range("down"))});
                         }),
           {1h});
  });
}

TEST(AsioVirtualTime, CancellingAWaitingFlowDestroysIt) {
  same_on_both("failed(coflow::cancelled_error)@1800000", [](auto& t) {
    auto d = t.on.spawn(coflow::interval(1h) | coflow::timeout(2h) | coflow::delay(1s) | t.stamp());
    t.watch(d);
    t.on.advance(30min);
    d.cancel();
    t.on.advance(5h);  // the timer left behind is stale: nothing runs
  });
}
