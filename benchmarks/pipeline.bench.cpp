// SPDX-License-Identifier: BSL-1.0
// Fused synchronous pipelines against the hand-written loop, range-v3 and std::views, in one
// binary: filter + map + fold over 10,000,000 int64_t, the sum of products of a zip, and
// scan + take_while + fold (running sums while under a limit, summed).
#include <coflow/coflow.hpp>
#include <coflow/profiling/instrument.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <ranges>
#include <vector>

#include <range/v3/numeric/accumulate.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/transform.hpp>
#include <range/v3/view/zip.hpp>

namespace {

constexpr std::size_t count = 10'000'000;

const std::vector<std::int64_t>& input(int which = 0) {
  static const auto make = [](unsigned seed) {
    std::vector<std::int64_t> v(count);
    std::mt19937_64 rng{seed};
    for (auto& x : v) x = static_cast<std::int64_t>(rng() % 1000);
    return v;
  };
  static const std::vector<std::int64_t> a = make(1), b = make(2);
  return which == 0 ? a : b;
}

constexpr auto keep = [](std::int64_t x) { return x % 3 != 0; };
constexpr auto triple = [](std::int64_t x) { return x * 3; };

void filter_map_fold_hand_loop(benchmark::State& state) {
  const auto& v = input();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());  // the input may change: nothing is hoisted
    std::int64_t sum = 0;
    for (std::int64_t x : v)
      if (x % 3 != 0) sum += x * 3;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void filter_map_fold_coflow(benchmark::State& state) {
  const auto& v = input();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());  // the input may change: nothing is hoisted
    std::int64_t sum = coflow::from(v) | coflow::filter(keep) | coflow::map(triple) |
                       coflow::fold(std::int64_t{0}, std::plus<>{});
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

// What counting costs: the same flow instrumented (two clock reads per item and stage).
void filter_map_fold_coflow_instrumented(benchmark::State& state) {
  const auto& v = input();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());  // the input may change: nothing is hoisted
    auto [flow, stats] = coflow::instrument(coflow::from(v) | coflow::filter(keep) | coflow::map(triple));
    std::int64_t sum = std::move(flow) | coflow::fold(std::int64_t{0}, std::plus<>{});
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(stats[2].items);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void filter_map_fold_range_v3(benchmark::State& state) {
  const auto& v = input();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());  // the input may change: nothing is hoisted
    std::int64_t sum = ranges::accumulate(v | ranges::views::filter(keep) | ranges::views::transform(triple),
                                          std::int64_t{0});
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void filter_map_fold_std_views(benchmark::State& state) {
  const auto& v = input();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());  // the input may change: nothing is hoisted
    auto r = v | std::views::filter(keep) | std::views::transform(triple);
    std::int64_t sum = 0;
    for (std::int64_t x : r) sum += x;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void zip_sum_of_products_hand_loop(benchmark::State& state) {
  const auto &a = input(0), &b = input(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.data());
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < count; ++i) sum += a[i] * b[i];
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void zip_sum_of_products_coflow(benchmark::State& state) {
  const auto &a = input(0), &b = input(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.data());
    std::int64_t sum = coflow::zip(a, b) | coflow::fold(std::int64_t{0}, [](std::int64_t acc, auto ab) {
                         return acc + std::get<0>(ab) * std::get<1>(ab);
                       });
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void zip_sum_of_products_range_v3(benchmark::State& state) {
  const auto &a = input(0), &b = input(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.data());
    std::int64_t sum =
        ranges::accumulate(ranges::views::zip(a, b), std::int64_t{0},
                           [](std::int64_t acc, auto ab) { return acc + std::get<0>(ab) * std::get<1>(ab); });
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

// The limit is read at run time, so that neither loop can know that take_while never stops.
std::int64_t running_limit() {
  std::int64_t limit = std::numeric_limits<std::int64_t>::max();
  benchmark::DoNotOptimize(limit);
  return limit;
}

void scan_take_while_fold_hand_loop(benchmark::State& state) {
  const auto& v = input();
  const std::int64_t limit = running_limit();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());
    std::int64_t acc = 0, sum = 0;
    for (std::int64_t x : v) {
      acc += x;
      if (acc >= limit) break;
      sum += acc;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

void scan_take_while_fold_coflow(benchmark::State& state) {
  const auto& v = input();
  const std::int64_t limit = running_limit();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());
    std::int64_t sum = coflow::from(v) | coflow::scan(std::int64_t{0}, std::plus<>{}) |
                       coflow::take_while([limit](std::int64_t acc) { return acc < limit; }) |
                       coflow::fold(std::int64_t{0}, std::plus<>{});
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}

BENCHMARK(zip_sum_of_products_hand_loop)->Unit(benchmark::kMillisecond);
BENCHMARK(zip_sum_of_products_coflow)->Unit(benchmark::kMillisecond);
BENCHMARK(zip_sum_of_products_range_v3)->Unit(benchmark::kMillisecond);

BENCHMARK(filter_map_fold_hand_loop)->Unit(benchmark::kMillisecond);
BENCHMARK(filter_map_fold_coflow)->Unit(benchmark::kMillisecond);
BENCHMARK(filter_map_fold_coflow_instrumented)->Unit(benchmark::kMillisecond);
BENCHMARK(filter_map_fold_range_v3)->Unit(benchmark::kMillisecond);
BENCHMARK(filter_map_fold_std_views)->Unit(benchmark::kMillisecond);

BENCHMARK(scan_take_while_fold_hand_loop)->Unit(benchmark::kMillisecond);
BENCHMARK(scan_take_while_fold_coflow)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
