// SPDX-License-Identifier: BSL-1.0
// Every stage gives the same values and the same failure at the same place on every path
// (see harness.hpp): random inputs, failures, cooperates and early stops.
#include "paths/harness.hpp"

#include <coflow/coflow.hpp>
#include <coflow/profiling/instrument.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using namespace coflow_paths;

constexpr std::size_t cases_per_stage = 2000;

/// A function that throws on one value (`bad`, or never when -1), as a user's map or predicate may.
struct throws_on {
  int bad;
  void check(int x) const {
    if (x == bad) throw std::domain_error("bad value " + std::to_string(x));
  }
};

inline int maybe_bad(rng& r) {
  return chance(r, 0.3) ? small_int(r) : -1;
}

/// Runs `stage_of(source)` for a random script, with a consumer that may stop early.
template <class StageOf>
void check_stage(rng& r, StageOf stage_of) {
  auto s = random_script<int>(r, small_int);
  auto sink = record_sink(random_limit(r));
  with_source(s, [&](auto src) { same_on_every_path([=] { return stage_of(src()); }, sink); });
}

/// The same for a stage of two random sources; `instrumented`: the flow instrumented, which
/// must also give what the plain flow gives.
template <class StageOf>
void check_two_branches(rng& r, StageOf stage_of, bool instrumented = false) {
  auto a = random_script<int>(r, small_int);
  auto b = random_script<int>(r, small_int);
  auto sink = record_sink(random_limit(r));
  with_source(a, [&](auto src_a) {
    with_source(b, [&](auto src_b) {
      auto plain = [=] { return stage_of(src_a(), src_b()); };
      if (!instrumented) return (void)same_on_every_path(plain, sink);
      auto counted = [=] { return coflow::instrument(stage_of(src_a(), src_b())).flow; };
      EXPECT_EQ(via_pipe(counted, sink), via_pipe(plain, sink));
      same_on_every_path(counted, sink);
    });
  });
}

TEST(Paths, Map) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    check_stage(r, [f](auto src) {
      return std::move(src) | coflow::map([f](int x) {
               f.check(x);
               return x * 3 + 1;
             });
    });
  });
}

TEST(Paths, Filter) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    const int k = static_cast<int>(uniform(r, 1, 3));
    check_stage(r, [f, k](auto src) {
      return std::move(src) | coflow::filter([f, k](int x) {
               f.check(x);
               return x % k == 0;
             });
    });
  });
}

TEST(Paths, Take) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const std::size_t n = uniform(r, 0, 14);
    check_stage(r, [n](auto src) { return std::move(src) | coflow::take(n); });
  });
}

TEST(Paths, Chunk) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const std::size_t n = uniform(r, 1, 5);
    check_stage(r, [n](auto src) { return std::move(src) | coflow::chunk(n); });
  });
}

// On the scheduler path (and in a generator on the scheduler) the upstream runs ahead as its
// own flow; elsewhere it is pulled through: the same values and failure either way.
TEST(Paths, Buffer) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    const std::size_t n = uniform(r, 1, 4);
    check_stage(r, [f, n](auto src) {
      return std::move(src) | coflow::map([f](int x) {
               f.check(x);
               return x;
             }) |
             coflow::buffer(n);
    });
  });
}

TEST(Paths, LineBreak) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    auto s = random_script<std::string>(r, [](rng& g) {
      std::string chunk(uniform(g, 0, 4), 'a');
      for (char& c : chunk) c = "ab;"[uniform(g, 0, 2)];
      return chunk;
    });
    const std::size_t max_len = uniform(r, 0, 6);
    const bool trailer = chance(r, 0.5);
    auto sink = record_sink(random_limit(r));
    with_source(s, [&](auto src) {
      same_on_every_path([=] { return src() | coflow::line_break(';', max_len, trailer); }, sink);
      // The views, each copied before the next pull (they are valid until then).
      same_on_every_path(
          [=] {
            return src() | coflow::line_break_views(';', max_len, trailer) |
                   coflow::map([](std::string_view l) { return std::string(l); });
          },
          sink);
    });
  });
}

TEST(Paths, Trap) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    if (chance(r, 0.5))
      check_stage(r, [](auto src) { return std::move(src) | coflow::trap<std::runtime_error>(); });
    else
      check_stage(
          r, [](auto src) { return std::move(src) | coflow::trap<std::out_of_range, std::logic_error>(); });
  });
}

// The adaptors of one upstream written as cores (fewer cases each: they share adapted_stage's
// paths, which Map, Take and Chunk above already cover at length).
constexpr std::size_t cases_per_adaptor = 500;

TEST(Paths, Scan) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    check_stage(r, [f](auto src) {
      return std::move(src) | coflow::scan(1, [f](int acc, int x) {
               f.check(x);
               return acc * 2 + x;
             });
    });
  });
}

TEST(Paths, Enumerate) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    check_stage(r, [](auto src) { return std::move(src) | coflow::enumerate; });
  });
}

TEST(Paths, TakeWhileAndDropWhile) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    const int k = static_cast<int>(uniform(r, 0, 9));
    auto p = [f, k](int x) {
      f.check(x);
      return x != k;
    };
    if (chance(r, 0.5))
      check_stage(r, [p](auto src) { return std::move(src) | coflow::take_while(p); });
    else
      check_stage(r, [p](auto src) { return std::move(src) | coflow::drop_while(p); });
  });
}

TEST(Paths, Drop) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const std::size_t n = uniform(r, 0, 14);
    check_stage(r, [n](auto src) { return std::move(src) | coflow::drop(n); });
  });
}

TEST(Paths, DistinctUntilChanged) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const int k = static_cast<int>(uniform(r, 1, 4));
    check_stage(r, [k](auto src) {
      return std::move(src) | coflow::distinct_until_changed([k](int x) { return x / k; });
    });
  });
}

TEST(Paths, ChunkBy) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    check_stage(r, [f](auto src) {
      return std::move(src) | coflow::chunk_by([f](int a, int b) {
               f.check(b);
               return a <= b;
             });
    });
  });
}

TEST(Paths, Sliding) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const std::size_t n = uniform(r, 1, 4);
    check_stage(r, [n](auto src) { return std::move(src) | coflow::sliding(n); });
  });
}

TEST(Paths, FlatMap) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    auto inner = random_script<int>(r, small_int, 3);
    with_source(inner, [&](auto make_inner) {
      check_stage(r, [f, make_inner](auto src) {
        return std::move(src) | coflow::flat_map([f, make_inner](int x) {
                 f.check(x);
                 return coflow::concat(coflow::just(x), make_inner());
               });
      });
    });
  });
}

TEST(Paths, Concat) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    check_two_branches(r, [](auto a, auto b) { return coflow::concat(std::move(a), std::move(b)); });
  });
}

/// A generator stage: each value, then its double for even values, with a cooperate every
/// `every` values.
template <class S>
coflow::generator<int> twice_if_even(S src, int every) {
  int i = 0;
  while (auto v = co_await src) {
    co_yield *v;
    if (++i % every == 0) co_yield coflow::cooperate{};
    if (*v % 2 == 0) co_yield *v * 2;
  }
}

TEST(Paths, Generator) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const int every = static_cast<int>(uniform(r, 1, 4));
    check_stage(r, [every](auto src) { return twice_if_even(std::move(src), every); });
  });
}

TEST(Paths, Zip) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_two_branches(r, [](auto a, auto b) { return std::move(a) | coflow::zip(std::move(b)); });
  });
}

TEST(Paths, ZipThenMapAndFilterOnTheElements) {
  for_random_cases(case_count(cases_per_adaptor), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    check_two_branches(r, [f](auto a, auto b) {
      return std::move(a) | coflow::zip(std::move(b)) |
             coflow::filter([](int x, int y) { return (x + y) % 3 != 0; }) | coflow::map([f](int x, int y) {
               f.check(x);
               return x * 10 + y;
             });
    });
  });
}

TEST(Paths, ZipLongest) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_two_branches(r, [](auto a, auto b) { return std::move(a) | coflow::zip_longest(std::move(b)); });
  });
}

TEST(Paths, MapOfSeveral) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    check_two_branches(r, [f](auto a, auto b) {
      return coflow::map(
          [f](int x, int y) {
            f.check(x);
            return x * 10 + y;
          },
          std::move(a), std::move(b));
    });
  });
}

TEST(Paths, Merge) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_two_branches(r, [](auto a, auto b) { return coflow::merge(std::move(a), std::move(b)); });
  });
}

TEST(Paths, Concurrent) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    check_two_branches(r, [](auto a, auto b) { return coflow::concurrent(std::move(a), std::move(b)); });
  });
}

// Stages composed: what one stage gives the next must not change with the path either.
TEST(Paths, Pipeline) {
  for_random_cases(case_count(cases_per_stage), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    const std::size_t n = uniform(r, 1, 4);
    const std::size_t k = uniform(r, 0, 6);
    check_stage(r, [f, n, k](auto src) {
      return std::move(src) | coflow::filter([](int x) { return x != 3; }) | coflow::map([f](int x) {
               f.check(x);
               return x + 1;
             }) |
             coflow::chunk(n) | coflow::take(k);
    });
  });
}

// An instrumented flow counts and gives what the flow gives, on every path.
TEST(Paths, Instrumented) {
  for_random_cases(case_count(cases_per_stage / 4), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    const std::size_t k = uniform(r, 0, 6);
    check_stage(r, [f, k](auto src) {
      return coflow::instrument(std::move(src) | coflow::filter([](int x) { return x != 3; }) |
                                coflow::map([f](int x) {
                                  f.check(x);
                                  return x + 1;
                                }) |
                                coflow::take(k))
          .flow;
    });
  });
}

// Stages of several upstreams and the stages inside them, each counted: zip over a failing
// map, merge into a buffer, concat into a trap.
TEST(Paths, InstrumentedBranches) {
  for_random_cases(case_count(cases_per_stage / 4), [](rng& r) {
    const throws_on f{maybe_bad(r)};
    auto checked = [f](auto s) {
      return std::move(s) | coflow::map([f](int x) {
               f.check(x);
               return x;
             });
    };
    auto odd = coflow::filter([](int x) { return x % 2 != 0; });
    const std::size_t which = uniform(r, 0, 2);
    if (which == 0)
      check_two_branches(
          r,
          [=](auto a, auto b) {
            return coflow::zip(checked(std::move(a)), std::move(b) | odd) |
                   coflow::map([](int x, int y) { return x * 10 + y; });
          },
          true);
    else if (which == 1)
      check_two_branches(
          r,
          [=](auto a, auto b) {
            return coflow::merge(checked(std::move(a)), std::move(b)) | coflow::buffer(2);
          },
          true);
    else
      check_two_branches(
          r,
          [=](auto a, auto b) {
            return coflow::concat(std::move(a) | odd, checked(std::move(b))) |
                   coflow::trap<std::domain_error>();
          },
          true);
  });
}

}  // namespace
