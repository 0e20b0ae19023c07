// SPDX-License-Identifier: BSL-1.0
// describe, to_dot, flow_traits and instrument over flows built from coflow's own stages.
#include <coflow/coflow.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/introspection/describe.hpp>
#include <coflow/introspection/to_dot.hpp>
#include <coflow/introspection/traits.hpp>
#include <coflow/profiling/instrument.hpp>
#include <coflow/scheduling/scheduler.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

// The quickstart's producer: zip of a list and a script with a cooperate.
auto producer() {
  return coflow::zip(coflow::from(std::vector{1, 2, 3}),
                     coflow::scripted<std::string>({"one", "two", coflow::cooperate{}, "three"}));
}
using producer_t = decltype(producer());
static_assert(coflow::describe<producer_t>() ==
              "zip(from<vector<int>>, scripted<string>) -> tuple<int, string>");
static_assert(std::is_same_v<coflow::flow_traits<producer_t>::value_type, std::tuple<int, std::string>>);
static_assert(coflow::flow_traits<producer_t>::can_cooperate &&
              !coflow::flow_traits<producer_t>::uses_threads);
static_assert(coflow::stage_count_v<producer_t> == 3 && coflow::source_count_v<producer_t> == 2 &&
              coflow::depth_v<producer_t> == 2);
// zip holds at most one value per branch but the last while it waits on a cooperate.
static_assert(coflow::buffer_bound_v<producer_t> == 1 && coflow::is_bounded_v<producer_t>);

// zip of eight plain sources never cooperates: it runs as one loop.
using zip8_t = decltype(coflow::zip(coflow::iota(0), coflow::iota(0), coflow::iota(0), coflow::iota(0),
                                    coflow::iota(0), coflow::iota(0), coflow::iota(0), coflow::iota(0)));
static_assert(coflow::synchronous_flow<zip8_t> && coflow::source_count_v<zip8_t> == 8);

// A fixed chunk adds its size to the bound; a run-time size makes it unbounded.
using fixed_chunk_t =
    decltype(producer() | coflow::chunk(std::integral_constant<std::size_t, 4>{}) | coflow::take(2));
static_assert(coflow::buffer_bound_v<fixed_chunk_t> == 1 + 4 && coflow::bounded_flow<fixed_chunk_t>);
using chunk_t = decltype(coflow::iota(0) | coflow::chunk(4));
static_assert(!coflow::is_bounded_v<chunk_t>);

// A threaded source runs a worker: the flows downstream of it use threads.
using threaded_t = decltype(coflow::threaded([] {
                              return std::vector{5, 4, 3};
                            }) |
                            coflow::map([](int i) { return i * 2; }));
static_assert(coflow::flow_traits<threaded_t>::uses_threads &&
              coflow::flow_traits<threaded_t>::can_cooperate);
static_assert(coflow::is_bounded_v<threaded_t>);
using merged_t = decltype(coflow::merge(std::declval<threaded_t>(), coflow::from(std::vector{1, 2})));
static_assert(coflow::flow_traits<merged_t>::uses_threads && !coflow::synchronous_flow<merged_t>);

// A callback may hold any number of values pushed before they are pulled.
using callback_t = decltype(coflow::callback<int>().stage());
static_assert(!coflow::is_bounded_v<callback_t> && coflow::flow_traits<callback_t>::can_cooperate);

TEST(RealFlows, Describe) {
  EXPECT_EQ(coflow::describe(producer() | coflow::take(2)),
            "zip(from<vector<int>>, scripted<string>) -> tuple<int, string> | take -> tuple<int, string>");
  EXPECT_EQ(coflow::describe<fixed_chunk_t>(),
            "zip(from<vector<int>>, scripted<string>) -> tuple<int, string> | chunk -> "
            "vector<tuple<int, string>> | take -> vector<tuple<int, string>>");
  EXPECT_EQ(coflow::describe<merged_t>(), "merge(threaded<int> | map -> int, from<vector<int>>) -> int");
  EXPECT_EQ(coflow::describe(coflow::zip_longest(coflow::iota(0, 2), coflow::just("a"))),
            "zip_longest(iota<int>, just<string>) -> tuple<optional<int>, optional<string>>");
  EXPECT_EQ(coflow::describe(coflow::scripted<std::string>({"a\nb"}) | coflow::line_break('\n') |
                             coflow::trap<std::length_error>()),
            "scripted<string> | line_break -> string | trap -> variant<string, coflow::failure>");
  EXPECT_EQ(coflow::describe(coflow::concurrent(coflow::iota(0, 2), coflow::just(1.5))),
            "concurrent(iota<int>, just<double>) -> variant<int, double>");
}

TEST(RealFlows, ToDotMarksTheThreadedSource) {
  auto f = coflow::merge(coflow::threaded([] {
                           return std::vector{5, 4, 3};
                         }) | coflow::map([](int i) { return i * 2; }),
                         coflow::from(std::vector{1, 2}));
  std::string dot = coflow::to_dot(f, coflow::to_vector());
  EXPECT_NE(dot.find("[label=\"threaded<int>\", shape=ellipse, style=\"dashed,filled\", peripheries=2"),
            std::string::npos)
      << dot;
  EXPECT_EQ(dot.find("label=\"merge\", style=\"rounded,dashed,filled\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("[label=\"to_vector\", shape=invhouse"), std::string::npos) << dot;
  // The graph describes the flow; the flow still runs.
  auto values = std::move(f) | coflow::to_vector();
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<int>{1, 2, 6, 8, 10}));
}

// iota(0, 100) | filter(even) | map | take(10): iota gives 0..18, the rest the ten even ones.
auto counted_flow() {
  return coflow::iota(0, 100) | coflow::filter([](int i) { return i % 2 == 0; }) |
         coflow::map([](int i) { return i * 3; }) | coflow::take(10);
}

struct expected_row {
  std::string name;
  std::uint64_t items, failures, cooperates;
};

void expect_rows(const coflow::flow_stats& stats, const std::vector<expected_row>& rows) {
  ASSERT_EQ(stats.size(), rows.size()) << stats;
  std::chrono::nanoseconds busy{0};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(stats[i].name, rows[i].name);
    EXPECT_EQ(stats[i].items, rows[i].items) << "row " << i << "\n" << stats;
    EXPECT_EQ(stats[i].failures, rows[i].failures) << "row " << i << "\n" << stats;
    EXPECT_EQ(stats[i].cooperates, rows[i].cooperates) << "row " << i << "\n" << stats;
    busy += stats[i].busy;
  }
  // Each stage's own time: disjoint intervals within the flow's run.
  EXPECT_LE(busy, stats.elapsed()) << stats;
}

TEST(Instrument, CountsEveryStageOnThePushPath) {
  auto [flow, stats] = coflow::instrument(counted_flow());
  static_assert(coflow::drivable<decltype(flow)>);
  EXPECT_EQ(std::move(flow) | coflow::fold(0, std::plus<>{}), 3 * 90);
  expect_rows(stats, {{"iota<int>", 19, 0, 0}, {"filter", 10, 0, 0}, {"map", 10, 0, 0}, {"take", 10, 0, 0}});
}

TEST(Instrument, CountsEveryStageOnThePullPath) {
  auto [flow, stats] = coflow::instrument(counted_flow());
  int sum = 0;
  for (auto s = flow.next(); !s.is_done(); s = flow.next()) sum += *s;
  EXPECT_EQ(sum, 3 * 90);
  expect_rows(stats, {{"iota<int>", 19, 0, 0}, {"filter", 10, 0, 0}, {"map", 10, 0, 0}, {"take", 10, 0, 0}});
}

TEST(Instrument, DescribesTheSameFlow) {
  auto [flow, stats] = coflow::instrument(counted_flow());
  EXPECT_EQ(coflow::describe(flow), coflow::describe(counted_flow()));
  EXPECT_EQ(coflow::to_dot(flow), coflow::to_dot(counted_flow()));
  (void)(std::move(flow) | coflow::to_vector());
  const std::string dot = coflow::to_dot(flow, stats);
  EXPECT_NE(dot.find("n0 -> n1 [label=\"int (19 items, "), std::string::npos) << dot;
  EXPECT_NE(dot.find("n3 -> n4 [label=\"int (10 items, "), std::string::npos) << dot;
  const coflow::flow_stats none;  // a handle of no flow: no rows
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(none.elapsed().count(), 0);
  const std::string table = stats.to_table();
  EXPECT_EQ(table.rfind("  #  stage", 0), 0u) << table;
  EXPECT_NE(table.find("  1  filter             10        0          0"), std::string::npos) << table;
}

// A failing map: its failure is counted where it happens and by the stages it passes through.
auto failing_flow() {
  return coflow::iota(0, 10) | coflow::map([](int i) {
           if (i == 5) throw std::runtime_error("five");
           return i;
         }) |
         coflow::filter([](int) { return true; });
}

TEST(Instrument, CountsFailuresOnBothPaths) {
  const std::vector<expected_row> rows = {{"iota<int>", 6, 0, 0}, {"map", 5, 1, 0}, {"filter", 5, 1, 0}};
  auto pushed = coflow::instrument(failing_flow());
  EXPECT_THROW((void)(std::move(pushed.flow) | coflow::to_vector()), std::runtime_error);
  expect_rows(pushed.stats, rows);

  auto pulled = coflow::instrument(failing_flow());
  auto s = pulled.flow.next();
  while (s.has_value()) s = pulled.flow.next();
  EXPECT_TRUE(s.is_failure());
  expect_rows(pulled.stats, rows);
}

TEST(Instrument, AConsumersExceptionIsNotAStageFailure) {
  auto [flow, stats] = coflow::instrument(failing_flow() | coflow::take(3));
  EXPECT_THROW(std::move(flow).drive([](int i) -> bool { throw std::logic_error(std::to_string(i)); }),
               std::logic_error);
  expect_rows(stats, {{"iota<int>", 1, 0, 0}, {"map", 1, 0, 0}, {"filter", 1, 0, 0}, {"take", 1, 0, 0}});
}

TEST(Instrument, CountsCooperatesAndTheTimeParked) {
  auto [flow, stats] = coflow::instrument(
      coflow::scripted<int>({1, coflow::cooperate{}, 2, coflow::cooperate{}, coflow::cooperate::park(), 3}) |
      coflow::map([](int i) { return i + 1; }));
  std::vector<int> got;
  for (auto s = flow.next(); !s.is_done(); s = flow.next())
    if (s.has_value()) got.push_back(*s);
  EXPECT_EQ(got, (std::vector<int>{2, 3, 4}));
  expect_rows(stats, {{"scripted<int>", 3, 0, 3}, {"map", 3, 0, 3}});
  EXPECT_LE(stats[1].parked, stats.elapsed());
}

TEST(Instrument, CountsAStageOfSeveralUpstreamsAsAWhole) {
  auto [flow, stats] = coflow::instrument(coflow::zip(coflow::iota(0, 3), coflow::iota(10, 20)) |
                                          coflow::map([](int a, int b) { return a + b; }));
  EXPECT_EQ(std::move(flow) | coflow::to_vector(), (std::vector<int>{10, 12, 14}));
  ASSERT_EQ(stats.size(), 4u);
  EXPECT_FALSE(stats[0].measured);
  EXPECT_FALSE(stats[1].measured);
  expect_rows(stats, {{"iota<int>", 0, 0, 0}, {"iota<int>", 0, 0, 0}, {"zip", 3, 0, 0}, {"map", 3, 0, 0}});
  EXPECT_NE(stats.to_table().find("  0  iota<int>  -\n"), std::string::npos) << stats;
}

// A generator that cooperates four times, run on a scheduler: each cooperate is counted by the
// generator and by the stages it passes through, and the flow was away (parked) in between.
coflow::generator<int> cooperating_numbers() {
  for (int i = 0; i < 4; ++i) {
    co_yield i;
    co_yield coflow::cooperate{std::chrono::nanoseconds{0}};
  }
}

TEST(Instrument, CountsCooperatesOnAScheduler) {
  auto [flow, stats] =
      coflow::instrument(cooperating_numbers() | coflow::filter([](int i) { return i != 2; }));
  coflow::scheduler sched;
  auto d = sched.spawn(std::move(flow));
  sched.run();
  EXPECT_EQ(d.value(), (std::vector<int>{0, 1, 3}));
  expect_rows(stats, {{"generator<int>", 4, 0, 4}, {"filter", 3, 0, 4}});
  EXPECT_LE(stats[1].parked, stats.elapsed());
}

}  // namespace
