// SPDX-License-Identifier: BSL-1.0
#include <coflow/introspection/describe.hpp>
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sinks/for_each.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/stages/filter.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace {
struct custom_error {
  int code;
};

// A function object whose copies throw once armed.
struct throws_when_copied {
  bool armed = false;
  int* calls;
  throws_when_copied(int* c) : calls{c} {}
  throws_when_copied(const throws_when_copied& o) : armed{o.armed}, calls{o.calls} {
    if (armed) throw std::bad_function_call();
  }
  int operator()(int i) const { return ++*calls, i; }
};
}  // namespace

TEST(Run, AFailureFromAMapIsRethrownWithItsTypeAfterTheEarlierValues) {
  std::vector<int> seen;
  auto flow = coflow::iota(0, 5) | coflow::map([](int i) {
                if (i == 2) throw custom_error{i};
                return i;
              });
  try {
    std::move(flow) | coflow::for_each([&](int i) { seen.push_back(i); });
    FAIL() << "no exception";
  } catch (const custom_error& e) {
    EXPECT_EQ(e.code, 2);
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 1}));
}

TEST(Run, AFailureFromAFilterIsRethrownToo) {
  auto flow = coflow::iota(0, 5) | coflow::filter([](int i) {
                if (i == 3) throw std::out_of_range("three");
                return true;
              });
  std::vector<int> seen;
  EXPECT_THROW(std::move(flow) | coflow::for_each([&](int i) { seen.push_back(i); }), std::out_of_range);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
}

TEST(Run, AnExceptionWhileBuildingAStageEscapesAtConstruction) {
  int calls = 0;
  throws_when_copied f{&calls};
  f.armed = true;
  std::vector<int> v{1, 2};
  EXPECT_THROW((void)(coflow::from(v) | coflow::map(f)), std::bad_function_call);
  EXPECT_THROW((void)coflow::map(f), std::bad_function_call);
  EXPECT_EQ(calls, 0);
}

TEST(Run, AStageBuiltWithoutThrowingRunsNormally) {
  int calls = 0;
  auto flow = coflow::from(std::vector<int>{1, 2}) | coflow::map(throws_when_copied{&calls});
  EXPECT_EQ(std::move(flow) | coflow::to_vector(), (std::vector<int>{1, 2}));
  EXPECT_EQ(calls, 2);
}

namespace {
// The custom sink of docs/design.md ("Writing a sink"), with a limit: push says false at it.
struct count_sink : coflow::sink_base<count_sink> {
  static constexpr std::string_view sink_name = "count";
  std::size_t limit = 1000;
  template <class T>
  struct consumer_type {
    std::size_t n = 0;
    std::size_t limit;
    template <class U>
    bool push(U&&) {
      return ++n < limit;
    }
    std::size_t result() && { return n; }
  };
  template <class T>
  consumer_type<T> consumer() const {
    return {0, limit};
  }
};
}  // namespace

TEST(CustomSink, RunsWithPipeAndSpawnAndStopsWhenPushSaysFalse) {
  std::size_t n = coflow::iota(0, 10) | count_sink{};
  EXPECT_EQ(n, 10u);
  EXPECT_EQ((coflow::iota(0) | count_sink{{}, 3}), 3u);  // an endless flow, ended by push
  const count_sink named{{}, 5};
  EXPECT_EQ((std::vector{1, 2} | named), 2u);
  coflow::scheduler sched;
  coflow::deferred<std::size_t> d = sched.spawn(coflow::iota(0, 7), count_sink{});
  sched.run();
  ASSERT_TRUE(d.succeeded());
  EXPECT_EQ(d.value(), 7u);
  EXPECT_EQ(std::string_view(coflow::describe(coflow::iota(0, 1), count_sink{})), "iota<int> | count");
}
