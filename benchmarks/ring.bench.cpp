// SPDX-License-Identifier: BSL-1.0
// The thread hand-off: coflow::spsc_ring against boost::lockfree::spsc_queue and a
// std::mutex + std::deque, item by item and in batches of 64; a ping-pong round trip; and a
// `threaded` source end to end into a `fold`. One binary, so ratios hold on any machine.
//
//     bench_ring [--items=N] [--cpus=A,B] [google benchmark flags]
//
// --items: values per run (default 100,000,000); --cpus: pin the producer to A and the
// consumer to B (default: the first two CPUs this process may use; --cpus=none: no pinning).
#include <coflow/coflow.hpp>
#include <coflow/threads/spsc_ring.hpp>
#include <coflow/threads/threaded.hpp>

#include <benchmark/benchmark.h>

#include <boost/lockfree/spsc_queue.hpp>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

namespace {

std::uint64_t items = 100'000'000;
constexpr std::size_t capacity = 65536;
constexpr std::size_t batch = 64;
int producer_cpu = -1, consumer_cpu = -1;
bool pinned = true;

void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Runs `produce` on a pinned thread and `consume` (which returns the sum) on this one.
template <class P, class C>
void hand_off(benchmark::State& state, P produce, C consume) {
  pin(consumer_cpu);
  for (auto _ : state) {
    coflow::jthread producer{[&] {
      pin(producer_cpu);
      produce();
    }};
    const std::uint64_t sum = consume();
    producer.join();
    if (sum != items * (items - 1) / 2) state.SkipWithError("wrong sum");
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items));
}

// Boost's queue has no blocking wait: its users spin. Like the ring's own waits, this spins
// with a pause for ~20 us and then yields (forever: it never sleeps), so that a loaded machine
// does not starve the other side.
struct backoff {
  coflow::detail::spinner s;
  void operator()() noexcept {
    if (!s.spin()) std::this_thread::yield();
  }
};

// ---- coflow::spsc_ring -----------------------------------------------------------------------

void ring_item_by_item(benchmark::State& state) {
  auto ring = std::make_unique<coflow::spsc_ring<std::uint64_t>>(capacity);
  hand_off(
      state,
      [&] {
        for (std::uint64_t i = 0; i < items; ++i) ring->push(i);
      },
      [&] {
        std::uint64_t sum = 0;
        for (std::uint64_t n = 0; n < items; ++n) sum += *ring->pop();
        return sum;
      });
}

// The non-blocking calls with Boost's spin loop: the queues alone, without the sleeping policy.
void ring_item_by_item_try(benchmark::State& state) {
  auto ring = std::make_unique<coflow::spsc_ring<std::uint64_t>>(capacity);
  hand_off(
      state,
      [&] {
        for (std::uint64_t i = 0; i < items; ++i)
          for (backoff wait; !ring->try_push(i);) wait();
      },
      [&] {
        std::uint64_t sum = 0;
        for (std::uint64_t n = 0; n < items; ++n) {
          std::optional<std::uint64_t> v;
          for (backoff wait; !(v = ring->try_pop());) wait();
          sum += *v;
        }
        return sum;
      });
}

void ring_batched(benchmark::State& state) {
  auto ring = std::make_unique<coflow::spsc_ring<std::uint64_t>>(capacity);
  hand_off(
      state,
      [&] {
        std::array<std::uint64_t, batch> buf;
        for (std::uint64_t i = 0; i < items;) {
          const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(batch, items - i));
          for (std::size_t k = 0; k < n; ++k) buf[k] = i + k;
          ring->push_n(buf.begin(), n);
          i += n;
        }
      },
      [&] {
        std::uint64_t sum = 0;
        for (std::uint64_t n = 0; n < items;) {
          std::size_t got = 0;
          while ((got = ring->consume_n(batch, [&](std::uint64_t v) { sum += v; })) == 0)
            ring->wait_for_items();
          n += got;
        }
        return sum;
      });
}

// ---- boost::lockfree::spsc_queue (compile-time capacity) ---------------------------------

using boost_queue = boost::lockfree::spsc_queue<std::uint64_t, boost::lockfree::capacity<capacity>>;

void boost_item_by_item(benchmark::State& state) {
  auto q = std::make_unique<boost_queue>();
  hand_off(
      state,
      [&] {
        for (std::uint64_t i = 0; i < items; ++i)
          for (backoff wait; !q->push(i);) wait();
      },
      [&] {
        std::uint64_t sum = 0, v = 0;
        for (std::uint64_t n = 0; n < items; ++n) {
          for (backoff wait; !q->pop(v);) wait();
          sum += v;
        }
        return sum;
      });
}

void boost_batched(benchmark::State& state) {
  auto q = std::make_unique<boost_queue>();
  hand_off(
      state,
      [&] {
        std::array<std::uint64_t, batch> buf;
        for (std::uint64_t i = 0; i < items;) {
          const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(batch, items - i));
          for (std::size_t k = 0; k < n; ++k) buf[k] = i + k;
          backoff wait;
          for (std::size_t done = 0; done < n;) {
            const std::size_t k = q->push(buf.data() + done, n - done);
            if (k == 0) wait();
            done += k;
          }
          i += n;
        }
      },
      [&] {
        std::uint64_t sum = 0;
        std::array<std::uint64_t, batch> buf;
        backoff wait;
        for (std::uint64_t n = 0; n < items;) {
          const std::size_t got = q->pop(buf.data(), batch);
          if (got == 0)
            wait();
          else
            wait = {};
          for (std::size_t k = 0; k < got; ++k) sum += buf[k];
          n += got;
        }
        return sum;
      });
}

// ---- std::mutex + std::deque with condition variables (bounded like the rings) -------------

struct locked_queue {
  std::mutex m;
  std::condition_variable not_empty, not_full;
  std::deque<std::uint64_t> q;
};

void mutex_deque(benchmark::State& state, std::size_t per_lock) {
  locked_queue lq;
  hand_off(
      state,
      [&] {
        for (std::uint64_t i = 0; i < items;) {
          const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(per_lock, items - i));
          {
            std::unique_lock lock{lq.m};
            lq.not_full.wait(lock, [&] { return lq.q.size() + n <= capacity; });
            for (std::size_t k = 0; k < n; ++k) lq.q.push_back(i + k);
          }
          lq.not_empty.notify_one();
          i += n;
        }
      },
      [&] {
        std::uint64_t sum = 0;
        for (std::uint64_t n = 0; n < items;) {
          {
            std::unique_lock lock{lq.m};
            lq.not_empty.wait(lock, [&] { return !lq.q.empty(); });
            for (std::size_t k = 0; k < per_lock && !lq.q.empty(); ++k, ++n) {
              sum += lq.q.front();
              lq.q.pop_front();
            }
          }
          lq.not_full.notify_one();
        }
        return sum;
      });
}
void mutex_deque_item_by_item(benchmark::State& state) {
  mutex_deque(state, 1);
}
void mutex_deque_batched(benchmark::State& state) {
  mutex_deque(state, batch);
}

// ---- ping-pong: one item there and back --------------------------------------------------

template <class There, class Back>
void ping_pong(benchmark::State& state, There there, Back back, std::uint64_t trips) {
  pin(consumer_cpu);
  for (auto _ : state) {
    coflow::jthread echo{[&] {
      pin(producer_cpu);
      for (std::uint64_t i = 0; i < trips; ++i) back.second(there.first());
    }};
    for (std::uint64_t i = 0; i < trips; ++i) {
      there.second(i);
      if (back.first() != i) state.SkipWithError("out of order");
    }
  }
  state.counters["ns_per_round_trip"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(trips),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

std::uint64_t round_trips() {
  return std::max<std::uint64_t>(1000, items / 100);
}

void ring_ping_pong(benchmark::State& state) {
  coflow::spsc_ring<std::uint64_t> a{capacity}, b{capacity};
  auto ends = [](auto& r) {
    return std::pair{[&r] { return *r.pop(); }, [&r](std::uint64_t v) { r.push(v); }};
  };
  ping_pong(state, ends(a), ends(b), round_trips());
}

void boost_ping_pong(benchmark::State& state) {
  auto a = std::make_unique<boost_queue>(), b = std::make_unique<boost_queue>();
  auto ends = [](boost_queue& q) {
    return std::pair{[&q] {
                       std::uint64_t v;
                       for (backoff wait; !q.pop(v);) wait();
                       return v;
                     },
                     [&q](std::uint64_t v) {
                       for (backoff wait; !q.push(v);) wait();
                     }};
  };
  ping_pong(state, ends(*a), ends(*b), round_trips());
}

// ---- threaded end to end: a worker's values folded on this thread -------------------------

void threaded_into_fold(benchmark::State& state) {
  pin(consumer_cpu);
  for (auto _ : state) {
    const std::uint64_t sum = coflow::threaded(
                                  [] {
                                    pin(producer_cpu);
                                    return std::views::iota(std::uint64_t{0}, items);
                                  },
                                  {.capacity = capacity}) |
                              coflow::fold(std::uint64_t{0}, std::plus<>{});
    if (sum != items * (items - 1) / 2) state.SkipWithError("wrong sum");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items));
}

// The worker hands over chunks of 64 values (one ring slot each); the flow flattens them.
void threaded_chunks_into_fold(benchmark::State& state) {
  pin(consumer_cpu);
  for (auto _ : state) {
    const std::uint64_t sum =
        coflow::threaded_chunks(
            [] {
              pin(producer_cpu);
              return [i = std::uint64_t{0}]() mutable -> std::optional<std::vector<std::uint64_t>> {
                if (i == items) return std::nullopt;
                std::vector<std::uint64_t> chunk;
                const std::uint64_t n = std::min<std::uint64_t>(batch, items - i);
                chunk.reserve(n);
                for (std::uint64_t k = 0; k < n; ++k) chunk.push_back(i + k);
                i += n;
                return chunk;
              };
            },
            {.capacity = capacity / batch}) |
        coflow::fold(std::uint64_t{0}, std::plus<>{});
    if (sum != items * (items - 1) / 2) state.SkipWithError("wrong sum");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items));
}

// The baseline of the two above: the same values summed on one thread.
void single_thread_fold(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < items; ++i) sum += i;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items));
}

}  // namespace

#define COFLOW_RING_BENCH(f) BENCHMARK(f)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)
COFLOW_RING_BENCH(ring_item_by_item);
COFLOW_RING_BENCH(ring_item_by_item_try);
COFLOW_RING_BENCH(boost_item_by_item);
COFLOW_RING_BENCH(mutex_deque_item_by_item);
COFLOW_RING_BENCH(ring_batched);
COFLOW_RING_BENCH(boost_batched);
COFLOW_RING_BENCH(mutex_deque_batched);
COFLOW_RING_BENCH(ring_ping_pong);
COFLOW_RING_BENCH(boost_ping_pong);
COFLOW_RING_BENCH(threaded_into_fold);
COFLOW_RING_BENCH(threaded_chunks_into_fold);
COFLOW_RING_BENCH(single_thread_fold);

int main(int argc, char** argv) {
  // Our own flags first; the rest go to Google Benchmark.
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--items=", 8) == 0) {
      items = std::strtoull(argv[i] + 8, nullptr, 10);
    } else if (std::strcmp(argv[i], "--cpus=none") == 0) {
      pinned = false;
    } else if (std::strncmp(argv[i], "--cpus=", 7) == 0) {
      producer_cpu = std::atoi(argv[i] + 7);
      if (const char* comma = std::strchr(argv[i], ',')) consumer_cpu = std::atoi(comma + 1);
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (items < 2) items = 2;
  if (pinned && producer_cpu < 0) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
      for (int c = 0; c < CPU_SETSIZE; ++c) {
        if (!CPU_ISSET(static_cast<std::size_t>(c), &set)) continue;
        if (producer_cpu < 0)
          producer_cpu = c;
        else if (consumer_cpu < 0)
          consumer_cpu = c;
      }
    }
    if (consumer_cpu < 0) producer_cpu = -1;  // one CPU: let the OS schedule
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::AddCustomContext("items", std::to_string(items));
  benchmark::AddCustomContext("cpus", std::to_string(producer_cpu) + "," + std::to_string(consumer_cpu));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
