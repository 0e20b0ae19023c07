// SPDX-License-Identifier: BSL-1.0
// `upstream | filter(pred)`: the values pred accepts. The misuse diagnostics (a predicate that
// cannot take the value, or whose result is not a bool) are static_asserts inside
// filter_fn::apply, so a `requires` on them would be a hard error: they live in
// tests/compile_fail/filter_*.cpp.
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/filter.hpp>
#include <coflow/stages/take.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using coflow::cooperate;

namespace coflow_filter_test {
/// A hand-written upstream that states the optional properties, so that filter must forward them.
struct threaded_buffer {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  static constexpr std::size_t buffer_bound = coflow::unbounded;
  static constexpr std::string_view stage_name = "threaded_buffer";
  using upstreams = decltype(boost::hana::tuple_t<>);
  coflow::step<int> next() { return coflow::done; }
};

struct custom_error {
  int code;
};
}  // namespace coflow_filter_test

using namespace coflow_filter_test;

TEST(Filter, KeepsTheValuesThePredicateAcceptsInOrder) {
  auto odd = coflow::from({1, 2, 3, 4, 5}) | coflow::filter([](int i) { return i % 2 == 1; });
  EXPECT_EQ(std::move(odd) | coflow::to_vector(), (std::vector<int>{1, 3, 5}));
  EXPECT_TRUE(
      (coflow::iota(0, 10) | coflow::filter([](int) { return false; }) | coflow::to_vector()).empty());
  // A result only convertible to bool is accepted (here an int: nonzero is true).
  auto nonzero = coflow::from({0, 4, 0, 2}) | coflow::filter([](int i) { return i; });
  EXPECT_EQ(std::move(nonzero) | coflow::to_vector(), (std::vector<int>{4, 2}));
}

TEST(Filter, ThePredicateSeesAConstValueAndTheValueIsNotCopied) {
  // The predicate takes a const reference to the upstream's value: the string it sees is the
  // one then given downstream.
  std::vector<std::string> words{"a", "bb", "ccc"};
  const std::string* seen = nullptr;
  auto f = coflow::from(words) | coflow::filter([&](const std::string& w) {
             seen = &w;
             return w.size() == 2;
           });
  static_assert(std::is_same_v<coflow::value_t<decltype(f)>, std::string&>);
  auto s = f.next();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(&*s, &words[1]);
  EXPECT_EQ(seen, &words[1]);
  (*s).append("!");
  EXPECT_EQ(words[1], "bb!");
  EXPECT_TRUE(f.next().is_done());
}

TEST(Filter, PassesCooperatesOnEvenWhenNoValueWasAcceptedYet) {
  int calls = 0;
  auto even =
      coflow::scripted<int>({1, 3, cooperate{2ms}, 5, 6, cooperate::park(), 8}) | coflow::filter([&](int i) {
        ++calls;
        return i % 2 == 0;
      });
  auto c = even.next();  // 1 and 3 are dropped; the cooperate is not swallowed
  ASSERT_TRUE(c.is_cooperate());
  EXPECT_EQ(c.cooperation().timeout(), 2ms);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(*even.next(), 6);
  EXPECT_TRUE(even.next().cooperation().parked());
  EXPECT_EQ(*even.next(), 8);
  EXPECT_TRUE(even.next().is_done());
  EXPECT_EQ(calls, 5);
}

TEST(Filter, AnExceptionFromThePredicateIsAFailureWithItsOriginalType) {
  auto f = coflow::scripted<int>({1, 2}) | coflow::filter([](int i) {
             if (i == 2) throw custom_error{42};
             return true;
           });
  EXPECT_EQ(*f.next(), 1);
  auto s = f.next();
  ASSERT_TRUE(s.is_failure());
  EXPECT_TRUE(s.error().is<custom_error>());
  EXPECT_EQ(s.error().type_name(), "coflow_filter_test::custom_error");
  try {
    s.error().rethrow();
  } catch (const custom_error& e) {
    EXPECT_EQ(e.code, 42);
  }
}

TEST(Filter, AnUpstreamFailureIsForwardedAsItIsWithoutCallingThePredicate) {
  const auto original = coflow::failure::make(std::invalid_argument("upstream said no"));
  int calls = 0;
  auto f = coflow::scripted<int>({1, original}) | coflow::filter([&](int) { return ++calls, false; });
  auto s = f.next();  // 1 is dropped, then the failure comes through
  ASSERT_TRUE(s.is_failure());
  EXPECT_TRUE(s.error() == original);
  EXPECT_EQ(s.error().message(), "upstream said no");
  EXPECT_EQ(calls, 1);
}

TEST(Filter, StopsPullingWhenTheConsumerStops) {
  int calls = 0;
  auto multiples = [&](int i) { return ++calls, i % 3 == 0; };
  // An endless source: take(2) stops the fused loop at the second value accepted (6).
  EXPECT_EQ(coflow::iota(1) | coflow::filter(multiples) | coflow::take(2) | coflow::to_vector(),
            (std::vector<int>{3, 6}));
  EXPECT_EQ(calls, 6);
  // Driven by hand: the values after the one the consumer stopped at are left upstream.
  auto f = coflow::iota(1) | coflow::filter(multiples);
  std::vector<int> got;
  f.drive([&](int v) {
    got.push_back(v);
    return false;
  });
  EXPECT_EQ(got, (std::vector<int>{3}));
  EXPECT_EQ(*f.next(), 6);
}

TEST(Filter, MoveOnlyValuesPassWithoutACopy) {
  std::vector<std::unique_ptr<int>> in;
  for (int i = 0; i < 4; ++i) in.push_back(std::make_unique<int>(i));
  const int* two = in[2].get();
  auto f =
      coflow::from(std::move(in)) | coflow::filter([](const std::unique_ptr<int>& p) { return *p % 2 == 0; });
  static_assert(std::is_same_v<coflow::value_t<decltype(f)>, std::unique_ptr<int>>);
  std::unique_ptr<int> zero = *f.next();  // pulled
  EXPECT_EQ(*zero, 0);
  auto rest = std::move(f) | coflow::to_vector();  // driven
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].get(), two);  // the same object, moved along
}

TEST(Filter, AStatefulPredicateKeepsItsStateFromOneValueToTheNext) {
  auto every_other = coflow::from({'a', 'b', 'c', 'd', 'e'}) |
                     coflow::filter([n = 0](char) mutable { return n++ % 2 == 0; });
  EXPECT_EQ(std::move(every_other) | coflow::to_vector(), (std::vector<char>{'a', 'c', 'e'}));
}

TEST(Filter, StaticPropertiesFollowTheUpstream) {
  auto any = [](int) { return true; };
  using plain = decltype(coflow::iota(0) | coflow::filter(any));
  using coop = decltype(coflow::scripted<int>({}) | coflow::filter(any));
  using threaded = decltype(threaded_buffer{} | coflow::filter(any));
  static_assert(plain::stage_name == "filter");
  static_assert(std::is_same_v<plain::upstreams, decltype(boost::hana::tuple_t<coflow::iota_source<int>>)>);
  static_assert(std::is_same_v<coflow::value_t<plain>, int>);
  static_assert(!coflow::can_cooperate_v<plain> && coflow::drivable<plain> && !coflow::lends_cursor<plain>);
  static_assert(coflow::can_cooperate_v<coop> && !coflow::drivable<coop>);
  static_assert(!coflow::uses_threads_v<plain> && coflow::buffer_bound_v<plain> == 0);
  static_assert(coflow::uses_threads_v<threaded> && coflow::buffer_bound_v<threaded> == coflow::unbounded);
  // Pulled and driven, the same pipeline gives the same values.
  auto small = [](int i) { return i < 3 || i > 7; };
  auto pulled = coflow::iota(0, 10) | coflow::filter(small);
  std::vector<int> by_next;
  for (auto s = pulled.next(); s.has_value(); s = pulled.next()) by_next.push_back(*s);
  EXPECT_EQ(by_next, (coflow::iota(0, 10) | coflow::filter(small) | coflow::to_vector()));
  EXPECT_EQ(by_next, (std::vector<int>{0, 1, 2, 8, 9}));
}
