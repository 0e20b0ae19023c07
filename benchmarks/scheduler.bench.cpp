// SPDX-License-Identifier: BSL-1.0
// Switch cost of the coflow scheduler and of the Asio driver against hand-written state
// machines and bare C++20 coroutines, all resumed round-robin; and the cost of timers.
//
//   bench_scheduler --benchmark_filter=Switch   (1,000 flows x 10,000 cooperate{0} each;
//                                                *Nested: a flow pulling another)
//   bench_scheduler --benchmark_filter=ParkWake (flows x wakes: a park, and a wake-up from a
//                                                handler posted on the same io_context)
//   bench_scheduler --benchmark_filter=Timers   (100,000 pending timers)
//   bench_scheduler --benchmark_filter=Spawn    (1,000,000 flows: time and heap per flow)
//   bench_scheduler --benchmark_filter=Buffer   (1,000,000 ints through a buffer of n)
#include <coflow/asio.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/fold.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/stages/buffer.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string_view>
#include <vector>

#include <malloc.h>

namespace coflow_scheduler_bench {

// Runs `make` with the clock stopped: a Switch row times the switches and the flows' ends, not
// the making of the flows, which the Spawn rows time (at 1,000,000 flows of 10 switches each,
// making them would be most of the time).
template <class Make>
void untimed(benchmark::State& state, Make make) {
  state.PauseTiming();
  make();
  state.ResumeTiming();
}

void switch_counter(benchmark::State& state) {
  const double switches = static_cast<double>(state.range(0)) * static_cast<double>(state.range(1));
  state.counters["per_switch"] = benchmark::Counter(
      switches, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// (a) Hand-written state machines: `resume()` returns false when done; a deque round-robin.
struct hand_task {
  virtual bool resume() = 0;
  virtual ~hand_task() = default;
};
struct hand_yielder final : hand_task {
  explicit hand_yielder(std::int64_t n) : left{n} {}
  bool resume() override {
    benchmark::DoNotOptimize(left);
    return --left > 0;
  }
  std::int64_t left;
};

void SwitchHandStateMachines(benchmark::State& state) {
  const auto flows = state.range(0), yields = state.range(1);
  for (auto _ : state) {
    std::vector<std::unique_ptr<hand_task>> tasks;
    std::deque<hand_task*> queue;
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) {
        tasks.push_back(std::make_unique<hand_yielder>(yields));
        queue.push_back(tasks.back().get());
      }
    });
    while (!queue.empty()) {
      hand_task* t = queue.front();
      queue.pop_front();
      if (t->resume()) queue.push_back(t);
    }
  }
  switch_counter(state);
}

// (a') The same, but each resume returns a `coflow::step<int>` as a coflow stage does: this
// isolates the cost of the step protocol from the cost of the scheduler.
struct hand_step_task {
  virtual coflow::step<int> next() = 0;
  virtual ~hand_step_task() = default;
};
struct hand_step_yielder final : hand_step_task {
  explicit hand_step_yielder(std::int64_t n) : left{n} {}
  coflow::step<int> next() override {
    benchmark::DoNotOptimize(left);
    if (--left <= 0) return coflow::done;
    return coflow::cooperate{};
  }
  std::int64_t left;
};

void SwitchHandStepMachines(benchmark::State& state) {
  const auto flows = state.range(0), yields = state.range(1);
  for (auto _ : state) {
    std::vector<std::unique_ptr<hand_step_task>> tasks;
    std::deque<hand_step_task*> queue;
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) {
        tasks.push_back(std::make_unique<hand_step_yielder>(yields));
        queue.push_back(tasks.back().get());
      }
    });
    while (!queue.empty()) {
      hand_step_task* t = queue.front();
      queue.pop_front();
      if (t->next().is_cooperate()) queue.push_back(t);
    }
  }
  switch_counter(state);
}

// (b) Bare C++20 coroutines, resumed round-robin by a deque of handles.
struct bare_coro {
  struct promise_type {
    bare_coro get_return_object() { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { throw; }
  };
  std::coroutine_handle<promise_type> h;
};
bare_coro bare_yielder(std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    benchmark::DoNotOptimize(i);
    co_await std::suspend_always{};
  }
}

// Bare coroutines made by `make(yields)`, resumed round-robin until they are done.
void bare_round_robin(benchmark::State& state, bare_coro (*make)(std::int64_t)) {
  const auto flows = state.range(0), yields = state.range(1);
  for (auto _ : state) {
    std::deque<std::coroutine_handle<>> queue;
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) queue.push_back(make(yields).h);
    });
    while (!queue.empty()) {
      std::coroutine_handle<> h = queue.front();
      queue.pop_front();
      h.resume();
      if (h.done())
        h.destroy();
      else
        queue.push_back(h);
    }
  }
  switch_counter(state);
}

void SwitchBareCoroutines(benchmark::State& state) {
  bare_round_robin(state, bare_yielder);
}

// coflow: a stage that gives `cooperate{0}` n times, then ends.
struct coflow_yielder {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "yielder";
  using upstreams = decltype(boost::hana::tuple_t<>);
  std::int64_t left;
  coflow::step<int> next() {
    benchmark::DoNotOptimize(left);
    if (--left <= 0) return coflow::done;
    return coflow::cooperate{};
  }
};

void SwitchCoflowScheduler(benchmark::State& state) {
  const auto flows = state.range(0), yields = state.range(1);
  for (auto _ : state) {
    coflow::scheduler s;
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) s.spawn(coflow_yielder{yields});
    });
    s.run();
  }
  switch_counter(state);
}

// The same flows written as coflow generators (a coroutine frame each, pulled by the scheduler).
coflow::generator<int> generator_yielder(std::int64_t n) {
  for (std::int64_t i = 1; i < n; ++i) co_yield coflow::cooperate{};
}

// Generators made by `make(yields)`, spawned on a scheduler.
void scheduler_generators(benchmark::State& state, coflow::generator<int> (*make)(std::int64_t)) {
  const auto flows = state.range(0), yields = state.range(1);
  for (auto _ : state) {
    coflow::scheduler s;
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) s.spawn(make(yields));
    });
    s.run();
  }
  switch_counter(state);
}

void SwitchCoflowSchedulerGenerators(benchmark::State& state) {
  scheduler_generators(state, generator_yielder);
}

// Nested: a flow that pulls another, every switch passing through both. Bare: the outer
// coroutine resumes the inner one, then suspends itself (two resumes per switch).
bare_coro bare_nested_yielder(std::int64_t n) {
  std::coroutine_handle<> inner = bare_yielder(n).h;
  for (inner.resume(); !inner.done(); inner.resume()) co_await std::suspend_always{};
  inner.destroy();
}

void SwitchBareCoroutinesNested(benchmark::State& state) {
  bare_round_robin(state, bare_nested_yielder);
}

// coflow: a generator that pulls (`co_await`) a generator giving the cooperates.
coflow::generator<int> nested_generator_yielder(std::int64_t n) {
  auto inner = generator_yielder(n);
  while (co_await inner) {
  }
}

void SwitchCoflowSchedulerNestedGenerators(benchmark::State& state) {
  scheduler_generators(state, nested_generator_yielder);
}

void SwitchCoflowAsio(benchmark::State& state) {
  const auto flows = state.range(0), yields = state.range(1);
  for (auto _ : state) {
    boost::asio::io_context ctx{1};
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) coflow::asio::spawn(ctx, coflow_yielder{yields});
    });
    ctx.run();
  }
  switch_counter(state);
}

// Park and wake on Asio: a flow's turn posts a handler that wakes it (an event's producer on
// the same io_context) and parks; `wakes` round trips per flow, two posts each. Baseline:
// plain Asio, a flow's handler posts one that posts the flow's next handler. Neither side has
// a timer (a coflow flow makes one on its first sleep, and these never sleep): a timer starts
// the context's reactor, which Asio then polls (`epoll_wait`) whenever the handler queue runs
// dry, after every handler with one flow.
void wake_counter(benchmark::State& state) {
  const double wakes = static_cast<double>(state.range(0)) * static_cast<double>(state.range(1));
  state.counters["per_wake"] =
      benchmark::Counter(wakes, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

struct hand_parker {
  hand_parker(boost::asio::io_context& c, std::int64_t n) : ctx{&c}, left{n} {}
  boost::asio::io_context* ctx;
  std::int64_t left;
  void turn() {
    benchmark::DoNotOptimize(left);
    if (--left < 0) return;
    boost::asio::post(*ctx, [this] { boost::asio::post(*ctx, [this] { turn(); }); });
  }
};

void ParkWakeHandAsio(benchmark::State& state) {
  const auto flows = state.range(0), wakes = state.range(1);
  for (auto _ : state) {
    boost::asio::io_context ctx{1};
    std::deque<hand_parker> parkers;
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) {
        hand_parker& p = parkers.emplace_back(ctx, wakes);
        boost::asio::post(ctx, [&p] { p.turn(); });
      }
    });
    ctx.run();
  }
  wake_counter(state);
}

// coflow: a stage that takes its waker, has a posted handler wake it, and parks, n times.
struct coflow_parker {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "parker";
  using upstreams = decltype(boost::hana::tuple_t<>);
  boost::asio::io_context* ctx;
  std::int64_t left;
  coflow::step<int> next() {
    benchmark::DoNotOptimize(left);
    if (--left < 0) return coflow::done;
    boost::asio::post(*ctx, [w = coflow::current_waker()] { w.wake(); });
    return coflow::cooperate::park();
  }
};

void ParkWakeCoflowAsio(benchmark::State& state) {
  const auto flows = state.range(0), wakes = state.range(1);
  for (auto _ : state) {
    boost::asio::io_context ctx{1};
    untimed(state, [&] {
      for (std::int64_t i = 0; i < flows; ++i) coflow::asio::spawn(ctx, coflow_parker{&ctx, wakes});
    });
    ctx.run();
  }
  wake_counter(state);
}

BENCHMARK(ParkWakeHandAsio)->Args({1, 1000000})->Args({1000, 1000})->Unit(benchmark::kMillisecond);
BENCHMARK(ParkWakeCoflowAsio)->Args({1, 1000000})->Args({1000, 1000})->Unit(benchmark::kMillisecond);

// Scale: flows x switches with a constant total of 10M switches; the cost per switch may
// grow with the flows only as far as the memory hierarchy forces.
#define COFLOW_SWITCH_ARGS  \
  ->Args({1000, 10000})     \
      ->Args({1000, 100})   \
      ->Args({100000, 100}) \
      ->Args({1000000, 10}) \
      ->Unit(benchmark::kMillisecond)
BENCHMARK(SwitchHandStateMachines) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchHandStepMachines) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchBareCoroutines) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchCoflowScheduler) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchCoflowSchedulerGenerators) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchBareCoroutinesNested) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchCoflowSchedulerNestedGenerators) COFLOW_SWITCH_ARGS;
BENCHMARK(SwitchCoflowAsio) COFLOW_SWITCH_ARGS;

// Spawning: the time per spawned flow and the heap coflow takes per flow (malloc's count of
// bytes in use, before the flows run, less the stage object itself).
template <class Make>
void spawn_cost(benchmark::State& state, Make make) {
  const auto flows = state.range(0);
  double bytes = 0;
  for (auto _ : state) {
    coflow::scheduler s;
    const auto before = ::mallinfo2().uordblks;
    for (std::int64_t i = 0; i < flows; ++i) s.spawn(make());
    bytes = static_cast<double>(::mallinfo2().uordblks - before) / static_cast<double>(flows);
    state.PauseTiming();
    s.run();
    state.ResumeTiming();
  }
  state.counters["per_spawn"] =
      benchmark::Counter(static_cast<double>(flows),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["heap_bytes_per_flow"] = bytes;
  state.counters["stage_bytes"] = static_cast<double>(sizeof(decltype(make())));
}

void SpawnCoflowScheduler(benchmark::State& state) {
  spawn_cost(state, [] { return coflow_yielder{1}; });
}
void SpawnCoflowSchedulerGenerators(benchmark::State& state) {
  spawn_cost(state, [] { return generator_yielder(1); });
}
BENCHMARK(SpawnCoflowScheduler)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(SpawnCoflowSchedulerGenerators)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

// A producer and a consumer decoupled by a buffer of `capacity` values: `iota | buffer(n)`
// summed by a fold on the scheduler, against two hand-written state machines sharing a ring,
// each resumed in turn through a virtual call until the other must run (full or empty).
void buffer_counter(benchmark::State& state) {
  state.counters["per_value"] =
      benchmark::Counter(static_cast<double>(state.range(0)),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

struct hand_ring {
  explicit hand_ring(std::size_t n) : slots(n) {}
  std::vector<std::int64_t> slots;
  std::size_t head = 0, size = 0;
  bool ended = false;
};
struct hand_producer final : hand_task {
  hand_producer(hand_ring& r, std::int64_t n) : ring{r}, left{n} {}
  bool resume() override {  // fills the ring; false once every value is in it
    for (; ring.size < ring.slots.size() && next < left; ++next) {
      std::size_t at = ring.head + ring.size++;
      if (at >= ring.slots.size()) at -= ring.slots.size();
      ring.slots[at] = next;
    }
    ring.ended = next == left;
    return !ring.ended;
  }
  hand_ring& ring;
  std::int64_t left, next = 0;
};
struct hand_consumer final : hand_task {
  explicit hand_consumer(hand_ring& r) : ring{r} {}
  bool resume() override {  // empties the ring; false once it is empty and ended
    for (; ring.size > 0; --ring.size) {
      sum += ring.slots[ring.head];
      if (++ring.head == ring.slots.size()) ring.head = 0;
    }
    return !ring.ended;
  }
  hand_ring& ring;
  std::int64_t sum = 0;
};

void BufferHandRing(benchmark::State& state) {
  const auto values = state.range(0);
  for (auto _ : state) {
    hand_ring ring{static_cast<std::size_t>(state.range(1))};
    std::unique_ptr<hand_task> producer = std::make_unique<hand_producer>(ring, values);
    auto consumer = std::make_unique<hand_consumer>(ring);
    bool more = true;
    while (more) {
      producer->resume();
      more = consumer->resume();
    }
    benchmark::DoNotOptimize(consumer->sum);
  }
  buffer_counter(state);
}

void BufferCoflowScheduler(benchmark::State& state) {
  const auto values = state.range(0);
  for (auto _ : state) {
    coflow::scheduler s;
    auto sum = s.spawn(coflow::iota(std::int64_t{0}, values) | coflow::buffer(state.range(1)),
                       coflow::fold(std::int64_t{0}, [](std::int64_t a, std::int64_t b) { return a + b; }));
    s.run();
    benchmark::DoNotOptimize(sum.value());
  }
  buffer_counter(state);
}
BENCHMARK(BufferHandRing)
    ->Args({1000000, 1})
    ->Args({1000000, 16})
    ->Args({1000000, 256})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BufferCoflowScheduler)
    ->Args({1000000, 1})
    ->Args({1000000, 16})
    ->Args({1000000, 256})
    ->Unit(benchmark::kMillisecond);

// Timers: insert n timers with shuffled deadlines (all due by the time they are fired), then
// fire them all, in deadline order.
std::vector<std::chrono::nanoseconds> shuffled_delays(std::int64_t n) {
  std::vector<std::chrono::nanoseconds> d;
  for (std::int64_t i = 0; i < n; ++i) d.emplace_back(i);
  std::shuffle(d.begin(), d.end(), std::mt19937{42});
  return d;
}

void timer_counter(benchmark::State& state) {
  state.counters["per_timer"] =
      benchmark::Counter(static_cast<double>(state.range(0)),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void TimersPriorityQueue(benchmark::State& state) {
  using clock = std::chrono::steady_clock;
  struct entry {
    clock::time_point when;
    std::uint64_t seq;
    std::function<void()> fn;
    bool operator>(const entry& o) const { return when != o.when ? when > o.when : seq > o.seq; }
  };
  const auto delays = shuffled_delays(state.range(0));
  std::int64_t fired = 0;
  for (auto _ : state) {
    std::priority_queue<entry, std::vector<entry>, std::greater<>> q;
    std::uint64_t seq = 0;
    const auto now = clock::now();
    for (auto d : delays) q.push({now + d, seq++, [&fired] { ++fired; }});
    while (!q.empty()) {
      if (q.top().when > clock::now()) continue;  // never taken: all are due
      std::function<void()> f = std::move(const_cast<entry&>(q.top()).fn);
      q.pop();
      f();
    }
  }
  benchmark::DoNotOptimize(fired);
  timer_counter(state);
}

void TimersCoflowScheduler(benchmark::State& state) {
  const auto delays = shuffled_delays(state.range(0));
  std::int64_t fired = 0;
  for (auto _ : state) {
    coflow::scheduler s;
    for (auto d : delays) s.call_later(d, [&fired] { ++fired; });
    s.run();
  }
  benchmark::DoNotOptimize(fired);
  timer_counter(state);
}

void TimersCoflowAsio(benchmark::State& state) {
  const auto delays = shuffled_delays(state.range(0));
  std::int64_t fired = 0;
  for (auto _ : state) {
    boost::asio::io_context ctx{1};
    for (auto d : delays) coflow::asio::call_later(ctx, d, [&fired] { ++fired; });
    ctx.run();
  }
  benchmark::DoNotOptimize(fired);
  timer_counter(state);
}

BENCHMARK(TimersPriorityQueue)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(TimersCoflowScheduler)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(TimersCoflowAsio)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace coflow_scheduler_bench

BENCHMARK_MAIN();
