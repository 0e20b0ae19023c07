// SPDX-License-Identifier: BSL-1.0
// The time-based stages give the same values and the same failure at the same place on every
// path (see harness.hpp): with times that cannot change the outcome, on every path in real
// time and on virtual time; with times that decide it (a timeout that fires, a window that
// closes a chunk), on the paths that honour virtual time.
#include "paths/harness.hpp"

#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace coflow_paths;
using namespace std::chrono_literals;

// Fewer cases than for the other stages: the real-time paths sleep for the stages' times.
constexpr std::size_t cases_per_stage = 300;

/// A duration of `lo` to `hi` units.
template <class D>
D some(rng& r, std::size_t lo, std::size_t hi, D unit) {
  return unit * static_cast<int>(uniform(r, lo, hi));
}

/// `stage_of(source)` for a random script, on every path (real and virtual time); the stage's
/// times must not decide the outcome.
template <class StageOf>
void check_timing_free(rng& r, StageOf stage_of) {
  auto s = random_script<int>(r, small_int);
  auto sink = record_sink(random_limit(r));
  with_source(s, [&](auto src) { same_on_every_path([=] { return stage_of(src()); }, sink, true); });
}

/// `stage_of(source)` for a random script played in time (gaps of 0 to 2 ms), on the paths
/// that honour virtual time: the stage's times may decide the outcome.
template <class StageOf>
void check_in_time(rng& r, StageOf stage_of) {
  auto s = std::make_shared<const script<int>>(random_script<int>(r, small_int));
  auto sink = record_sink(random_limit(r));
  same_on_virtual_time([=] { return stage_of(timed_source<int>{s, 1ms}); }, sink);
}

/// A stage with a time, `stage(source, time)`: `check_timing_free` with the time `free_time(r)`
/// (which must not decide the outcome), then `check_in_time` with `timed(r)` (which may).
template <class Stage, class FreeTime, class Timed>
void check_timed_stage(rng& r, FreeTime free_time, Timed timed, Stage stage) {
  const auto tiny = free_time(r);
  check_timing_free(r, [=](auto src) { return stage(std::move(src), tiny); });
  const auto t = timed(r);
  check_in_time(r, [=](auto src) { return stage(std::move(src), t); });
}

/// A duration of 1 to 3 ms: a time that decides a stage's outcome on a played script.
std::chrono::milliseconds deciding_ms(rng& r) {
  return some(r, 1, 3, 1ms);
}

/// An hour: a time longer than any script.
std::chrono::hours an_hour(rng&) {
  return 1h;
}

TEST(Paths, Delay) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_timed_stage(
        r, [](rng& g) { return some(g, 0, 10, 1us); }, deciding_ms,
        [](auto src, auto d) { return std::move(src) | coflow::delay(d); });
  });
}

TEST(Paths, Throttle) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_timed_stage(
        r, [](rng& g) { return some(g, 1, 10, 1us); }, deciding_ms,
        [](auto src, auto p) { return std::move(src) | coflow::throttle(p); });
  });
}

TEST(Paths, Timeout) {  // fires on a gap longer than its time
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_timed_stage(r, an_hour, deciding_ms,
                      [](auto src, auto d) { return std::move(src) | coflow::timeout(d); });
  });
}

TEST(Paths, ChunkWithin) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const std::size_t n = uniform(r, 1, 4);
    check_timed_stage(r, an_hour, deciding_ms,
                      [n](auto src, auto w) { return std::move(src) | coflow::chunk(n, w); });
  });
}

TEST(Paths, Interval) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const std::size_t n = uniform(r, 0, 12), bad = uniform(r, 0, 15);  // a tick that fails
    const auto period = some(r, 1, 10, 1us);
    auto ticks = [n, bad](auto period_) {
      return coflow::interval(period_) | coflow::take(n) | coflow::map([bad](std::size_t i) {
               if (i == bad) throw std::domain_error("bad tick " + std::to_string(i));
               return i;
             });
    };
    same_on_every_path([=] { return ticks(period); }, record_sink(random_limit(r)), true);
    // Beside a timeout shorter than the period: it fires before the first tick.
    const auto p = some(r, 1, 3, 1ms), d = some(r, 1, 4, 1ms);
    same_on_virtual_time([=] { return ticks(p) | coflow::timeout(d); }, record_sink(random_limit(r)));
  });
}

/// `retry(n, backoff, ...)` of sources made by `source_of(attempts[k])` (the last one for
/// the rest): each path makes its own.
template <class SourceOf, class Backoff>
auto retry_of(std::size_t n, Backoff backoff, std::shared_ptr<const std::vector<script<int>>> attempts,
              SourceOf source_of) {
  return coflow::retry(n, backoff, [attempts, source_of, k = std::size_t{0}]() mutable {
    const auto& s = (*attempts)[std::min(k++, attempts->size() - 1)];
    return source_of(std::make_shared<const script<int>>(s));
  });
}

TEST(Paths, Retry) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    auto attempts = std::make_shared<std::vector<script<int>>>();
    for (std::size_t i = uniform(r, 1, 3); i > 0; --i)
      attempts->push_back(random_script<int>(r, small_int, 4));
    const std::size_t n = uniform(r, 0, 3);
    const auto tiny = some(r, 1, 10, 1us);
    auto sink = record_sink(random_limit(r));
    same_on_every_path(
        [=] { return retry_of(n, tiny, attempts, [](auto s) { return cooperative_source(*s); }); }, sink,
        true);
    const auto backoff = coflow::exponential_backoff{some(r, 1, 3, 1ms), 2.0, 10ms};
    same_on_virtual_time(
        [=] {
          return retry_of(n, backoff, attempts,
                          [](auto s) {
                            return timed_source<int>{std::move(s), 1ms};
                          }) |
                 coflow::timeout(5ms);
        },
        sink);
  });
}

}  // namespace
