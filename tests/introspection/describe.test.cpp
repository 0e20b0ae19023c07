// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>
#include <coflow/introspection/describe.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "introspection/stages.hpp"

namespace {

using coflow::detail::short_name_v;

// Type names read the same on GCC and Clang (whose spellings differ in spaces, inline
// namespaces and integer names), without std:: and default template arguments.
static_assert(short_name_v<int> == "int");
static_assert(short_name_v<std::vector<int>> == "vector<int>");
static_assert(short_name_v<std::string> == "string");
static_assert(short_name_v<std::string_view> == "string_view");
static_assert(short_name_v<std::vector<std::string>> == "vector<string>");
static_assert(short_name_v<std::vector<std::vector<int>>> == "vector<vector<int>>");
static_assert(short_name_v<std::tuple<int, std::string>> == "tuple<int, string>");
static_assert(short_name_v<std::tuple<std::vector<int>>> == "tuple<vector<int>>");
static_assert(short_name_v<std::map<int, std::string>> == "map<int, string>");
static_assert(short_name_v<int&> == "int&");
static_assert(short_name_v<const std::string&> == "const string&");
static_assert(short_name_v<const char*> == "const char*");
static_assert(short_name_v<unsigned long> == "unsigned long");
static_assert(short_name_v<long long> == "long long");
static_assert(short_name_v<unsigned long long> == "unsigned long long");
static_assert(short_name_v<std::pair<short, unsigned short>> == "pair<short, unsigned short>");
static_assert(short_name_v<std::unique_ptr<long>> == "unique_ptr<long>");
static_assert(short_name_v<intro_test::worker_source<3>> == "intro_test::worker_source<3>");

// The description of a flow is a constant expression.
auto numbers_to_text() {
  return coflow::from(std::vector<int>{1, 2, 3}) | coflow::map([](int i) { return std::to_string(i); }) |
         coflow::filter([](const std::string& s) { return !s.empty(); });
}
using numbers_to_text_t = decltype(numbers_to_text());
static_assert(coflow::describe<numbers_to_text_t>() ==
              "from<vector<int>> | map -> string | filter -> string");
static_assert(coflow::describe<numbers_to_text_t, coflow::to_vector_sink<>>() ==
              "from<vector<int>> | map -> string | filter -> string | to_vector");

using paired_t = intro_test::pair_stage<coflow::iota_source<std::uint64_t>, numbers_to_text_t>;
static_assert(coflow::describe<paired_t>() ==
              "pair(iota<unsigned long>, from<vector<int>> | map -> string | filter -> string) -> "
              "pair<unsigned long, string>");

TEST(Describe, LinearPipelineWithValueTypes) {
  auto f = numbers_to_text() |
           coflow::map([](const std::string& s) { return static_cast<double>(s.size()) * 0.5; });
  EXPECT_EQ(coflow::describe(f), "from<vector<int>> | map -> string | filter -> string | map -> double");
  // Describing does not touch the flow: it still runs.
  EXPECT_EQ(std::move(f) | coflow::to_vector(), (std::vector<double>{0.5, 0.5, 0.5}));
}

TEST(Describe, SourcesShowTheirRangeOrValueType) {
  std::vector<std::string> words{"a", "b"};
  EXPECT_EQ(coflow::describe(coflow::from(words)), "from<vector<string>>");
  EXPECT_EQ(coflow::describe(coflow::from({1.0, 2.0})), "from<vector<double>>");
  EXPECT_EQ(coflow::describe(coflow::iota(0, 3)), "iota<int>");
  EXPECT_EQ(coflow::describe(coflow::just("title")), "just<string>");
  EXPECT_EQ(coflow::describe(coflow::scripted<int>({1, coflow::cooperate{}, 2})), "scripted<int>");
  using gen = coflow::generator<std::tuple<int, std::string>>;
  EXPECT_EQ(coflow::describe<gen>(), "generator<tuple<int, string>>");
}

TEST(Describe, ASourceMayDescribeItself) {
  EXPECT_EQ(coflow::describe(intro_test::unbounded_source{} | coflow::map([](int i) { return i; })),
            "queue[\"jobs\"] | map -> int");
}

TEST(Describe, StagesWithSeveralUpstreamsListThem) {
  intro_test::pair_stage<intro_test::pair_stage<coflow::iota_source<int>, coflow::just_source<std::string>>,
                         intro_test::worker_source<4>>
      nested{{coflow::iota(0), coflow::just("x")}, {}};
  EXPECT_EQ(coflow::describe(nested),
            "pair(pair(iota<int>, just<string>) -> pair<int, string>, worker<long>) -> "
            "pair<pair<int, string>, long>");
}

TEST(Describe, WithASink) {
  auto f = coflow::iota(1, 4) | coflow::filter([](int i) { return i % 2 == 1; });
  EXPECT_EQ(coflow::describe(f, coflow::fold(0, [](int a, int b) { return a + b; })),
            "iota<int> | filter -> int | fold");
  EXPECT_EQ(coflow::describe(f, coflow::to_vector()), "iota<int> | filter -> int | to_vector");
}

TEST(Describe, OfALocalFlowIsAConstantExpression) {
  auto f = coflow::iota(0, 3) | coflow::map([](int i) { return i * 0.5; });
  constexpr auto d = coflow::describe(f);
  static_assert(d == "iota<int> | map -> double");
  EXPECT_EQ(d.view(), "iota<int> | map -> double");
  EXPECT_EQ((std::move(f) | coflow::to_vector()), (std::vector<double>{0.0, 0.5, 1.0}));
}

TEST(Describe, ResultConvertsAndStreams) {
  constexpr auto d = coflow::describe<coflow::iota_source<long>>();
  static_assert(d.size() == std::string_view("iota<long>").size());
  std::string_view v = d;
  EXPECT_EQ(v, "iota<long>");
  EXPECT_EQ(d.str(), "iota<long>");
  std::ostringstream os;
  os << d;
  EXPECT_EQ(os.str(), "iota<long>");
  EXPECT_NE(d, "iota<int>");
}

TEST(Describe, FixedStringConcatenates) {
  using coflow::detail::concat;
  using coflow::detail::lit;
  constexpr auto s = concat(lit("ab"), lit(""), lit("cde"));
  static_assert(s == "abcde" && s.capacity() == 5);
  EXPECT_EQ(std::string(s.c_str()), "abcde");
}

}  // namespace
