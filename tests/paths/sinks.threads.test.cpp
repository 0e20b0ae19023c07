// SPDX-License-Identifier: BSL-1.0
// Every sink gives the same result, or the same failure, on every path (see harness.hpp).
#include "paths/harness.hpp"

#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace coflow_paths;

constexpr std::size_t cases_per_sink = 1000;

/// Runs a random source into the sinks `make_sink()` makes, on every path.
template <class MakeSink>
void check_sink(rng& r, MakeSink make_sink) {
  auto s = random_script<int>(r, small_int);
  with_source(s, [&](auto src) { same_on_every_path(src, make_sink); });
}

template <class K>
auto plain(K k) {
  return [k] { return sink_run<K>{k}; };
}

TEST(Paths, ToVector) {
  for_random_cases(case_count(cases_per_sink), [](rng& r) { check_sink(r, plain(coflow::to_vector())); });
}

TEST(Paths, Fold) {
  for_random_cases(case_count(cases_per_sink), [](rng& r) {
    const int bad = chance(r, 0.3) ? small_int(r) : -1;  // the fold's function throws there
    check_sink(r, plain(coflow::fold(std::string{">"}, [bad](std::string acc, int x) {
                 if (x == bad) throw std::invalid_argument("fold at " + std::to_string(x));
                 return acc + std::to_string(x);
               })));
  });
}

TEST(Paths, First) {
  for_random_cases(case_count(cases_per_sink), [](rng& r) { check_sink(r, plain(coflow::first())); });
}

// for_each with a function returning false to stop early, and one returning void.
TEST(Paths, ForEach) {
  for_random_cases(case_count(cases_per_sink), [](rng& r) {
    const std::size_t limit = random_limit(r);
    check_sink(r, [limit] {
      auto log = std::make_shared<std::vector<std::string>>();
      return sink_run{coflow::for_each([log, limit](int x) {
                        log->push_back(text(x));
                        return log->size() < limit;
                      }),
                      log};
    });
    check_sink(r, [] {
      auto log = std::make_shared<std::vector<std::string>>();
      return sink_run{coflow::for_each([log](int x) { log->push_back(text(x)); }), log};
    });
  });
}

}  // namespace
