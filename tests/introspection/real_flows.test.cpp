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
#include <utility>
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
constexpr std::uint64_t any = UINT64_MAX;  // a count the test does not check

void expect_rows(const coflow::flow_stats& stats, const std::vector<expected_row>& rows) {
  ASSERT_EQ(stats.size(), rows.size()) << stats;
  std::chrono::nanoseconds busy{0};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(stats[i].name, rows[i].name);
    EXPECT_EQ(stats[i].items, rows[i].items) << "row " << i << "\n" << stats;
    EXPECT_EQ(stats[i].failures, rows[i].failures) << "row " << i << "\n" << stats;
    if (rows[i].cooperates != any) {
      EXPECT_EQ(stats[i].cooperates, rows[i].cooperates) << "row " << i << "\n" << stats;
    }
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

// The flow `make()` instrumented: described and drawn as the plain flow, then run; its graph
// with the counts on the edges, and the counts.
template <class Make>
std::pair<std::string, coflow::flow_stats> describe_run_and_draw(Make make) {
  auto [flow, stats] = coflow::instrument(make());
  EXPECT_EQ(coflow::describe(flow), coflow::describe(make()));
  EXPECT_EQ(coflow::to_dot(flow), coflow::to_dot(make()));
  (void)(std::move(flow) | coflow::to_vector());
  return {coflow::to_dot(flow, stats), stats};
}

TEST(Instrument, DescribesTheSameFlow) {
  const auto [dot, stats] = describe_run_and_draw(counted_flow);
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

// A generator that cooperates four times, run on a scheduler: each cooperate is counted by the
// generator and by the stages it passes through, and the flow was away (parked) in between.
coflow::generator<int> cooperating_numbers() {
  for (int i = 0; i < 4; ++i) {
    co_yield i;
    co_yield coflow::cooperate{std::chrono::nanoseconds{0}};
  }
}

// zip(iota | filter, iota | map) | take: every stage, inside zip too, has its own row.
auto nested_zip() {
  return coflow::zip(coflow::iota(0, 20) | coflow::filter([](int i) { return i % 2 == 0; }),
                     coflow::iota(100) | coflow::map([](int i) { return i * 2; })) |
         coflow::take(5);
}
const std::vector<expected_row> nested_zip_rows = {{"iota<int>", 9, 0, 0}, {"filter", 5, 0, 0},
                                                   {"iota<int>", 5, 0, 0}, {"map", 5, 0, 0},
                                                   {"zip", 5, 0, 0},       {"take", 5, 0, 0}};

TEST(Instrument, CountsEveryStageInsideAZip) {
  auto pushed = coflow::instrument(nested_zip());
  EXPECT_EQ(std::move(pushed.flow) | coflow::fold(0, [](int n, auto&& t) { return n + std::get<1>(t); }),
            2 * (100 + 101 + 102 + 103 + 104));
  expect_rows(pushed.stats, nested_zip_rows);
  for (const coflow::stage_stats& row : pushed.stats) EXPECT_TRUE(row.measured) << row.name;

  auto pulled = coflow::instrument(nested_zip());
  auto s = pulled.flow.next();
  for (int n = 0; n < 5; ++n, s = pulled.flow.next()) EXPECT_EQ(std::get<0>(*s), 2 * n);
  EXPECT_TRUE(s.is_done());
  expect_rows(pulled.stats, nested_zip_rows);
}

TEST(Instrument, LabelsEveryEdgeOfANestedFlow) {
  const std::string dot = describe_run_and_draw(nested_zip).first;
  std::size_t labelled = 0;
  for (auto at = dot.find(" items, "); at != std::string::npos; at = dot.find(" items, ", at + 1)) ++labelled;
  EXPECT_EQ(labelled, 6u) << dot;  // five edges between the stages, one to the consumer
  EXPECT_NE(dot.find("n1 -> n4 [label=\"int (5 items, "), std::string::npos) << dot;
  EXPECT_NE(dot.find("n2 -> n3 [label=\"int (5 items, "), std::string::npos) << dot;
}

// A failure inside a branch: counted in the branch's row and in every row it passes through.
auto failing_branch() {
  return coflow::zip(coflow::iota(0, 10) | coflow::map([](int i) {
                       if (i == 3) throw std::runtime_error("three");
                       return i;
                     }),
                     coflow::iota(0)) |
         coflow::map([](int a, int b) { return a + b; });
}

TEST(Instrument, CountsAFailureInsideAZipWhereItHappens) {
  const std::vector<expected_row> rows = {
      {"iota<int>", 4, 0, 0}, {"map", 3, 1, 0}, {"iota<int>", 3, 0, 0}, {"zip", 3, 1, 0}, {"map", 3, 1, 0}};
  auto pushed = coflow::instrument(failing_branch());
  EXPECT_THROW((void)(std::move(pushed.flow) | coflow::to_vector()), std::runtime_error);
  expect_rows(pushed.stats, rows);

  auto pulled = coflow::instrument(failing_branch());
  std::vector<int> got;
  auto s = pulled.flow.next();
  for (; s.has_value(); s = pulled.flow.next()) got.push_back(*s);
  EXPECT_EQ(got, (std::vector<int>{0, 2, 4}));
  ASSERT_TRUE(s.is_failure());
  EXPECT_THROW(s.error().rethrow(), std::runtime_error);
  expect_rows(pulled.stats, rows);
}

TEST(Instrument, CountsEveryStageOfMergeAndConcat) {
  auto [merged, merge_stats] = coflow::instrument(
      coflow::merge(coflow::iota(0, 3), coflow::iota(10, 12) | coflow::map([](int i) { return -i; })));
  auto values = std::move(merged) | coflow::to_vector();
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<int>{-11, -10, 0, 1, 2}));
  expect_rows(merge_stats,
              {{"iota<int>", 3, 0, 0}, {"iota<int>", 2, 0, 0}, {"map", 2, 0, 0}, {"merge", 5, 0, 0}});

  // The second branch is pulled (or driven) until take has its four.
  auto concatenated = [] {
    return coflow::concat(coflow::iota(0, 3),
                          coflow::iota(5, 9) | coflow::filter([](int i) { return i % 2 == 0; })) |
           coflow::take(4);
  };
  const std::vector<expected_row> rows = {{"iota<int>", 3, 0, 0},
                                          {"iota<int>", 2, 0, 0},
                                          {"filter", 1, 0, 0},
                                          {"concat", 4, 0, 0},
                                          {"take", 4, 0, 0}};
  auto pushed = coflow::instrument(concatenated());
  EXPECT_EQ(std::move(pushed.flow) | coflow::to_vector(), (std::vector<int>{0, 1, 2, 6}));
  expect_rows(pushed.stats, rows);
  auto pulled = coflow::instrument(concatenated());
  for (int want : {0, 1, 2, 6}) EXPECT_EQ(*pulled.flow.next(), want);
  EXPECT_TRUE(pulled.flow.next().is_done());
  expect_rows(pulled.stats, rows);
}

// trap turns the map's failure into its fifth value: the map counts a failure, trap does not.
TEST(Instrument, CountsTheStageATrapWraps) {
  auto [flow, stats] = coflow::instrument(coflow::iota(0, 10) | coflow::map([](int i) {
                                            if (i == 4) throw std::out_of_range("four");
                                            return i;
                                          }) |
                                          coflow::trap<std::out_of_range>());
  const auto values = std::move(flow) | coflow::to_vector();
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values[4].index(), 1u);
  expect_rows(stats, {{"iota<int>", 5, 0, 0}, {"map", 4, 1, 0}, {"trap", 5, 0, 0}});
}

// On a scheduler the buffer's upstream runs as a flow of its own: its stages count there.
// (How often each side parks depends on the scheduler's order: not checked.)
TEST(Instrument, CountsTheStagesBelowABufferOnAScheduler) {
  auto flow_of = [] {
    return coflow::iota(0, 10) | coflow::map([](int i) { return i * i; }) | coflow::buffer(3) |
           coflow::filter([](int i) { return i % 2 == 1; });
  };
  auto [flow, stats] = coflow::instrument(flow_of());
  coflow::scheduler sched;
  auto d = sched.spawn(std::move(flow));
  sched.run();
  EXPECT_EQ(d.value(), (std::vector<int>{1, 9, 25, 49, 81}));
  expect_rows(stats,
              {{"iota<int>", 10, 0, 0}, {"map", 10, 0, 0}, {"buffer", 10, 0, any}, {"filter", 5, 0, any}});

  auto pulled = coflow::instrument(flow_of());  // no scheduler: the buffer pulls through
  (void)(std::move(pulled.flow) | coflow::to_vector());
  expect_rows(pulled.stats,
              {{"iota<int>", 10, 0, 0}, {"map", 10, 0, 0}, {"buffer", 10, 0, 0}, {"filter", 5, 0, 0}});
}

// A branch that cooperates makes zip and the stages after it cooperate: each row counts it.
TEST(Instrument, CountsCooperatesInsideAZipOnAScheduler) {
  auto [flow, stats] = coflow::instrument(coflow::zip(cooperating_numbers(), coflow::iota(0)) |
                                          coflow::map([](int a, int b) { return a * 10 + b; }));
  coflow::scheduler sched;
  auto d = sched.spawn(std::move(flow));
  sched.run();
  EXPECT_EQ(d.value(), (std::vector<int>{0, 11, 22, 33}));
  expect_rows(stats,
              {{"generator<int>", 4, 0, 4}, {"iota<int>", 4, 0, 0}, {"zip", 4, 0, 4}, {"map", 4, 0, 4}});
}

// The time stages are rebuilt too; their timers do not change what is counted.
TEST(Instrument, CountsTheTimeStages) {
  using namespace std::chrono_literals;
  auto [flow, stats] = coflow::instrument(coflow::iota(0, 6) | coflow::delay(0ns) | coflow::throttle(0ns) |
                                          coflow::timeout(1h) | coflow::chunk(4, 1h));
  coflow::scheduler sched;
  auto d = sched.spawn(std::move(flow));
  sched.run();
  EXPECT_EQ(d.value().size(), 2u);
  expect_rows(stats, {{"iota<int>", 6, 0, 0},
                      {"delay", 6, 0, any},
                      {"throttle", 6, 0, any},
                      {"timeout", 6, 0, any},
                      {"chunk", 2, 0, any}});
}

TEST(Instrument, CountsEveryStageOfZipLongestConcurrentAndLineBreak) {
  auto [flow, stats] = coflow::instrument(
      coflow::concurrent(coflow::zip_longest(coflow::iota(0, 2), coflow::iota(0, 3)),
                         coflow::from(std::vector<std::string>{"a;b", ";c;"}) | coflow::line_break(';')));
  EXPECT_EQ((std::move(flow) | coflow::to_vector()).size(), 3u + 3u);
  expect_rows(stats, {{"iota<int>", 2, 0, 0},
                      {"iota<int>", 3, 0, 0},
                      {"zip_longest", 3, 0, 0},
                      {"from<vector<string>>", 2, 0, 0},
                      {"line_break", 3, 0, 0},
                      {"concurrent", 6, 0, 0}});
}

// Stages that make an upstream at run time (flat_map, retry) or share it (tee) are counted
// as a whole with their upstreams.
TEST(Instrument, CountsAFlatMapAsAWhole) {
  auto [flow, stats] =
      coflow::instrument(coflow::iota(1, 4) | coflow::flat_map([](int n) { return coflow::iota(0, n); }));
  EXPECT_EQ(std::move(flow) | coflow::to_vector(), (std::vector<int>{0, 0, 1, 0, 1, 2}));
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_FALSE(stats[0].measured);
  EXPECT_FALSE(stats[1].measured);
  expect_rows(stats, {{"iota<int>", 0, 0, 0}, {"iota<int>", 0, 0, 0}, {"flat_map", 6, 0, 0}});
  EXPECT_NE(stats.to_table().find("  0  iota<int>  -\n"), std::string::npos) << stats;
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
