// SPDX-License-Identifier: BSL-1.0
// Every source gives the same values and the same end on every path (see harness.hpp).
#include "paths/harness.hpp"

#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace coflow_paths;

constexpr std::size_t cases_per_source = 1000;

std::vector<int> random_values(rng& r) {
  std::vector<int> v(uniform(r, 0, 12));
  for (int& x : v) x = small_int(r);
  return v;
}

TEST(Paths, FromAnOwnedContainer) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const auto v = random_values(r);
    same_on_every_path([v] { return coflow::from(std::vector<int>(v)); }, record_sink(random_limit(r)));
  });
}

TEST(Paths, FromAReferencedContainer) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    auto v = std::make_shared<std::vector<std::string>>();
    for (int x : random_values(r)) v->push_back(std::string(static_cast<std::size_t>(x), 'x'));
    same_on_every_path([v] { return coflow::from(*v); }, record_sink(random_limit(r)));
  });
}

TEST(Paths, FromAView) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const int n = small_int(r);
    same_on_every_path([n] { return coflow::from(std::views::iota(0, n) | std::views::reverse); },
                       record_sink(random_limit(r)));
  });
}

TEST(Paths, Just) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const std::string s(uniform(r, 0, 3), 'j');
    same_on_every_path([s] { return coflow::just(s); }, record_sink(random_limit(r)));
  });
}

TEST(Paths, Iota) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const int from = small_int(r);
    const int to = from + small_int(r);
    same_on_every_path([=] { return coflow::iota(from, to); }, record_sink(random_limit(r)));
    same_on_every_path([=] { return coflow::iota(from) | coflow::take(static_cast<std::size_t>(to)); },
                       record_sink(random_limit(r)));
  });
}

TEST(Paths, Scripted) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    auto s = random_script<int>(r, small_int);
    s.cooperative = true;
    same_on_every_path([s] { return cooperative_source(s); }, record_sink(random_limit(r)));
  });
}

// A callback fed before it is pulled: values, then the end or a failure.
TEST(Paths, Callback) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const auto s = random_script<int>(r, small_int);
    same_on_every_path(
        [s] {
          auto [feed, stage] = coflow::make_callback<int>();
          for (int v : s.values) feed.push(v);
          if (s.fail >= 0)
            feed.fail(make_failure(s.fail, s.values.size()));
          else
            feed.finish();
          return std::move(stage);
        },
        record_sink(random_limit(r)));
  });
}

// A threaded source: values made on a worker thread, then the end or the worker's exception.
TEST(Paths, Threaded) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const auto s = random_script<int>(r, small_int);
    const std::size_t capacity = uniform(r, 1, 4);
    same_on_every_path(
        [s, capacity] {
          return coflow::threaded(
              [s] {
                return [s, i = std::size_t{0}]() mutable -> std::optional<int> {
                  if (i < s.values.size()) return s.values[i++];
                  if (s.fail >= 0) throw_failure(s.fail, i);
                  return std::nullopt;
                };
              },
              {.capacity = capacity, .batch = 2});
        },
        record_sink(random_limit(r)));
  });
}

// `from(deferred)`: one value, or the deferred's failure.
TEST(Paths, FromADeferred) {
  for_random_cases(case_count(cases_per_source), [](rng& r) {
    const int v = small_int(r);
    const int fail = chance(r, 0.5) ? static_cast<int>(uniform(r, 0, 2)) : -1;
    same_on_every_path(
        [v, fail] {
          return coflow::from(fail < 0 ? coflow::deferred<int>::succeed(v)
                                       : coflow::deferred<int>::fail(make_failure(fail, 0)));
        },
        record_sink(random_limit(r)));
  });
}

}  // namespace
