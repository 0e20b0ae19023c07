// SPDX-License-Identifier: BSL-1.0
// `upstream | map(f)`: one value out per value in. The n-ary `map(f, a, b)` is zip's and is
// tested in zip.test.cpp; the misuse diagnostics (a function that cannot take the value, or
// that returns void) are static_asserts inside map_fn::apply, so a `requires` on them would be
// a hard error: they live in tests/compile_fail/map_*.cpp.
#include <coflow/sinks/for_each.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/map.hpp>
#include <coflow/stages/take.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;

namespace coflow_map_test {

struct named {
  std::string name;
};

/// A hand-written upstream that states the optional properties, so that map must forward them.
struct threaded_buffer {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  static constexpr std::size_t buffer_bound = 7;
  static constexpr std::string_view stage_name = "threaded_buffer";
  using upstreams = decltype(boost::hana::tuple_t<>);
  coflow::step<int> next() { return coflow::done; }
};

/// A value with a member to project.
struct tracked {
  std::string name;
};

}  // namespace coflow_map_test

using namespace coflow_map_test;

TEST(Map, AppliesTheFunctionToEveryValueAndMayChangeItsType) {
  auto m = coflow::from({1, 2, 3}) | coflow::map([](int i) { return std::to_string(i * 10); });
  static_assert(std::is_same_v<coflow::value_t<decltype(m)>, std::string>);
  EXPECT_EQ(std::move(m) | coflow::to_vector(), (std::vector<std::string>{"10", "20", "30"}));
  EXPECT_TRUE((std::vector<int>{} | coflow::map([](int i) { return i; }) | coflow::to_vector()).empty());
}

TEST(Map, PassesCooperatesAndTheEndThroughWithoutCallingTheFunction) {
  int calls = 0;
  auto m = coflow::scripted<int>({1, cooperate{5ms}, 2, cooperate::park()}) | coflow::map([&](int i) {
             ++calls;
             return i * 10;
           });
  EXPECT_EQ(*m.next(), 10);
  auto c = m.next();
  ASSERT_TRUE(c.is_cooperate());
  EXPECT_EQ(c.cooperation().timeout(), 5ms);
  EXPECT_FALSE(c.cooperation().parked());
  EXPECT_EQ(*m.next(), 20);
  auto p = m.next();
  ASSERT_TRUE(p.is_cooperate());
  EXPECT_TRUE(p.cooperation().parked());
  EXPECT_TRUE(m.next().is_done());
  EXPECT_EQ(calls, 2);
}

TEST(Map, AnExceptionFromTheFunctionIsAFailureWithItsTypeAndMessage) {
  auto m = coflow::scripted<int>({1, 2}) | coflow::map([](int i) {
             if (i == 2) throw std::domain_error("two is not allowed");
             return i;
           });
  EXPECT_EQ(*m.next(), 1);
  auto f = m.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::domain_error>());
  EXPECT_EQ(f.error().type_name(), "std::domain_error");
  EXPECT_EQ(f.error().message(), "two is not allowed");
  EXPECT_THROW(f.error().rethrow(), std::domain_error);
}

TEST(Map, AnUpstreamFailureIsForwardedAsItIsWithoutCallingTheFunction) {
  const auto original = coflow::failure::make(std::out_of_range("upstream"));
  int calls = 0;
  auto m = coflow::scripted<int>({original}) | coflow::map([&](int i) { return ++calls, std::to_string(i); });
  auto f = m.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error() == original);  // the same exception object, not a copy
  EXPECT_EQ(calls, 0);
}

TEST(Map, CallsTheFunctionOnlyForTheValuesTheConsumerTakes) {
  int calls = 0;
  auto count = [&](int i) { return ++calls, i * i; };
  // Fused: an endless source, stopped by take.
  EXPECT_EQ(coflow::iota(1) | coflow::map(count) | coflow::take(3) | coflow::to_vector(),
            (std::vector<int>{1, 4, 9}));
  EXPECT_EQ(calls, 3);
  // Driven by hand: the consumer says "enough" at the second value, and a pull goes on after it.
  calls = 0;
  auto m = coflow::iota(1) | coflow::map(count);
  std::vector<int> got;
  m.drive([&](int v) {
    got.push_back(v);
    return got.size() < 2;
  });
  EXPECT_EQ(got, (std::vector<int>{1, 4}));
  EXPECT_EQ(*m.next(), 9);
  EXPECT_EQ(calls, 3);
}

TEST(Map, MoveOnlyValuesGoInAndComeOut) {
  std::vector<std::unique_ptr<int>> in;
  in.push_back(std::make_unique<int>(1));
  in.push_back(std::make_unique<int>(2));
  in.push_back(std::make_unique<int>(3));
  auto bump = [](std::unique_ptr<int> p) {
    *p += 10;
    return p;
  };
  auto m = coflow::from(std::move(in)) | coflow::map(bump);
  static_assert(std::is_same_v<coflow::value_t<decltype(m)>, std::unique_ptr<int>>);
  std::unique_ptr<int> first = *m.next();  // pulled
  EXPECT_EQ(*first, 11);
  auto rest = std::move(m) | coflow::to_vector();  // driven
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(*rest[0], 12);
  EXPECT_EQ(*rest[1], 13);
}

TEST(Map, ReferencesReachTheFunctionAndAReferenceItReturnsPointsAtTheOriginal) {
  std::vector<named> people{{"ada"}, {"bob"}};
  auto names = coflow::from(people) | coflow::map(&named::name);
  static_assert(std::is_same_v<coflow::value_t<decltype(names)>, std::string&>);
  auto s = names.next();
  EXPECT_EQ(&*s, &people[0].name);
  std::move(names) | coflow::for_each([](std::string& n) { n += '!'; });
  EXPECT_EQ(people[0].name, "ada");
  EXPECT_EQ(people[1].name, "bob!");
}

TEST(Map, AStatefulFunctionKeepsItsStateFromOneValueToTheNext) {
  auto numbered = coflow::from({7, 7, 7}) | coflow::map([n = 0](int v) mutable { return v * 100 + n++; });
  EXPECT_EQ(std::move(numbered) | coflow::to_vector(), (std::vector<int>{700, 701, 702}));
}

TEST(Map, StaticPropertiesFollowTheUpstream) {
  auto twice = [](int i) { return 2 * i; };
  using plain = decltype(coflow::iota(0) | coflow::map(twice));
  using coop = decltype(coflow::scripted<int>({}) | coflow::map(twice));
  using threaded = decltype(threaded_buffer{} | coflow::map(twice));
  static_assert(plain::stage_name == "map");
  static_assert(std::is_same_v<plain::upstreams, decltype(boost::hana::tuple_t<coflow::iota_source<int>>)>);
  static_assert(!coflow::can_cooperate_v<plain> && coflow::drivable<plain>);
  static_assert(coflow::can_cooperate_v<coop> && !coflow::drivable<coop>);
  // A map does not lend its upstream's cursor: zip cannot walk through it.
  static_assert(coflow::lends_cursor<coflow::iota_source<int>> && !coflow::lends_cursor<plain>);
  static_assert(!coflow::uses_threads_v<plain> && coflow::buffer_bound_v<plain> == 0);
  static_assert(coflow::uses_threads_v<threaded> && coflow::buffer_bound_v<threaded> == 7);
  // Pulled and driven, the same pipeline gives the same values.
  auto pulled = coflow::iota(0, 4) | coflow::map(twice);
  std::vector<int> by_next;
  for (auto s = pulled.next(); s.has_value(); s = pulled.next()) by_next.push_back(*s);
  EXPECT_EQ(by_next, (coflow::iota(0, 4) | coflow::map(twice) | coflow::to_vector()));
  EXPECT_EQ(by_next, (std::vector<int>{0, 2, 4, 6}));
}

// A function that projects a member of a value it is given as an rvalue (`&tracked::name`
// over a source of values) returns an rvalue reference into that value, which lives only for
// the call: map gives a value instead (a pulled step<std::string&&> once dangled). Over a
// source of references the reference is kept: it refers into the caller's container.
TEST(Map, AReferenceIntoAValueItWasGivenBecomesAValue) {
  auto m = coflow::scripted<tracked>({tracked{"ada"}, tracked{"bob"}}) | coflow::map(&tracked::name);
  static_assert(std::is_same_v<coflow::value_t<decltype(m)>, std::string>);
  auto s = m.next();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, "ada");
  EXPECT_EQ(*m.next(), "bob");
  EXPECT_EQ((coflow::scripted<tracked>({tracked{"cy"}}) | coflow::map(&tracked::name) | coflow::to_vector()),
            (std::vector<std::string>{"cy"}));

  std::vector<tracked> people{tracked{"di"}};
  auto r = coflow::from(people) | coflow::map(&tracked::name);
  static_assert(std::is_same_v<coflow::value_t<decltype(r)>, std::string&>);
  auto first = r.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(&*first, &people[0].name);
}
