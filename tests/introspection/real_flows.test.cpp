// SPDX-License-Identifier: BSL-1.0
// describe, to_dot and flow_traits over flows built from coflow's own stages.
#include <coflow/coflow.hpp>
#include <coflow/introspection/describe.hpp>
#include <coflow/introspection/to_dot.hpp>
#include <coflow/introspection/traits.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
