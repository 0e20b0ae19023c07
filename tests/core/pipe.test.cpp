// SPDX-License-Identifier: BSL-1.0
// `src | adaptor(args)`, `closure | closure`, and the `closure` / `make_closure` pieces an
// adaptor is built from. A misuse on the left of `|` (neither a stage nor a range) is a
// static_assert inside the hidden friend's body, which a `requires` cannot test without a hard
// error (tests/compile_fail/ checks its message); what a `requires` can test is which
// right-hand sides find an `operator|` at all, since that depends on the closure's type alone.
#include <coflow/core/pipe.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/filter.hpp>
#include <coflow/stages/map.hpp>
#include <coflow/stages/take.hpp>

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace coflow_pipe_test {

/// An adaptor written as coflow's own are: `src | append(suffix)`.
struct append_fn {
  template <class S>
  static auto apply(S&& up, const std::string& suffix) {
    return std::forward<S>(up) | coflow::map([suffix](const std::string& s) { return s + suffix; });
  }
  auto operator()(std::string suffix) const { return coflow::make_closure<append_fn>(std::move(suffix)); }
};
inline constexpr append_fn append{};

/// Whether `l | r` finds an operator. A requires-expression outside a template may not hold an
/// invalid expression (the program is ill-formed, and GCC says so), hence a concept.
template <class L, class R>
concept can_pipe = requires(L&& l, R&& r) { std::forward<L>(l) | std::forward<R>(r); };

inline auto twice = [](int i) { return 2 * i; };
inline auto odd = [](int i) { return i % 2 == 1; };

}  // namespace coflow_pipe_test

using namespace coflow_pipe_test;

TEST(Pipe, AnLvalueRangeOnTheLeftIsReferredToAndAnRvalueOneIsOwned) {
  std::vector<int> v{1, 2, 3};
  auto referring = v | coflow::filter(odd);
  static_assert(
      std::is_same_v<decltype(referring)::upstreams,
                     decltype(boost::hana::tuple_t<coflow::range_source<std::vector<int>, false>>)>);
  static_assert(std::is_same_v<coflow::value_t<decltype(referring)>, int&>);
  auto first = referring.next();
  EXPECT_EQ(&*first, &v[0]);

  auto owning = std::vector<int>{4, 5, 6} | coflow::filter(odd);
  static_assert(std::is_same_v<decltype(owning)::upstreams,
                               decltype(boost::hana::tuple_t<coflow::range_source<std::vector<int>, true>>)>);
  EXPECT_EQ(std::move(owning) | coflow::to_vector(), std::vector<int>{5});
}

TEST(Pipe, ViewsArraysAndStringsOnTheLeftGoThroughFrom) {
  EXPECT_EQ(std::views::iota(0, 4) | coflow::map(twice) | coflow::to_vector(),
            (std::vector<int>{0, 2, 4, 6}));
  int raw[] = {1, 2, 3};
  EXPECT_EQ(raw | coflow::filter(odd) | coflow::to_vector(), (std::vector<int>{1, 3}));
  std::array<int, 2> arr{5, 6};
  EXPECT_EQ(arr | coflow::map(twice) | coflow::to_vector(), (std::vector<int>{10, 12}));
  // A string is one value, not a range of characters.
  auto sizes = std::string("abc") | coflow::map([](const std::string& s) { return s.size(); });
  EXPECT_EQ(std::move(sizes) | coflow::to_vector(), std::vector<std::size_t>{3});
}

TEST(Pipe, AStageOnTheLeftIsTakenAsItIs) {
  auto m = coflow::scripted<int>({1, coflow::cooperate{}, 2}) | coflow::map(twice);
  static_assert(
      std::is_same_v<decltype(m)::upstreams, decltype(boost::hana::tuple_t<coflow::scripted_source<int>>)>);
  EXPECT_EQ(*m.next(), 2);
  EXPECT_TRUE(m.next().is_cooperate());
  EXPECT_EQ(*m.next(), 4);
  // A failed check earlier in a chain is passed along, so the compiler reports it only once.
  static_assert(std::is_same_v<decltype(coflow::detail::ill_formed{} | coflow::map(twice)),
                               coflow::detail::ill_formed>);
}

TEST(Pipe, ClosuresComposeIntoAReusableClosure) {
  auto odd_doubled = coflow::filter(odd) | coflow::map(twice);
  static_assert(coflow::pipe_closure<decltype(odd_doubled)>);
  // Used on the right of `|` twice, called directly, then used up.
  EXPECT_EQ(coflow::iota(0, 6) | odd_doubled | coflow::to_vector(), (std::vector<int>{2, 6, 10}));
  EXPECT_EQ((std::vector<int>{7, 8} | odd_doubled | coflow::to_vector()), std::vector<int>{14});
  EXPECT_EQ(odd_doubled(coflow::iota(9, 12)) | coflow::to_vector(), (std::vector<int>{18, 22}));
  EXPECT_EQ(std::move(odd_doubled)(coflow::iota(1, 2)) | coflow::to_vector(), std::vector<int>{2});
  // The composed closure builds exactly what the adaptors would build one after the other.
  using composed = decltype(coflow::iota(0) | (coflow::filter(odd) | coflow::map(twice)));
  using chained = decltype(coflow::iota(0) | coflow::filter(odd) | coflow::map(twice));
  static_assert(std::is_same_v<composed, chained>);
}

TEST(Pipe, CompositionIsAssociative) {
  auto a = coflow::map(twice);
  auto b = coflow::filter([](int i) { return i % 3 != 0; });
  auto c = coflow::take(3);
  auto left = coflow::iota(0) | ((a | b) | c);
  auto right = coflow::iota(0) | (a | (b | c));
  static_assert(std::is_same_v<decltype(left), decltype(right)>);
  EXPECT_EQ(std::move(left) | coflow::to_vector(), (std::vector<int>{2, 4, 8}));
  EXPECT_EQ(std::move(right) | coflow::to_vector(), (std::vector<int>{2, 4, 8}));
}

TEST(Pipe, EachUseOfAClosureGetsItsOwnCopyOfTheFunction) {
  auto numbered = coflow::map([n = 0](int v) mutable { return v + n++; });
  EXPECT_EQ(coflow::from({10, 10}) | numbered | coflow::to_vector(), (std::vector<int>{10, 11}));
  EXPECT_EQ(coflow::from({10, 10}) | numbered | coflow::to_vector(), (std::vector<int>{10, 11}));
}

TEST(Pipe, AClosureHoldingAMoveOnlyFunctionIsUsedUpByMovingIt) {
  auto scale = coflow::map([k = std::make_unique<int>(3)](int i) { return i * *k; }) | coflow::filter(odd);
  using closure = decltype(scale);
  static_assert(coflow::pipe_closure<closure> && !std::is_copy_constructible_v<closure>);
  // Used as an lvalue it would be copied: a compile error with its own sentence (the
  // compile-fail case closure_move_only_lvalue); moved in, it is used up.
  static_assert(can_pipe<std::vector<int>&, closure&&>);
  EXPECT_EQ(coflow::iota(0, 4) | std::move(scale) | coflow::to_vector(), (std::vector<int>{3, 9}));
}

TEST(Pipe, OnlyClosuresAreOperatorsOnTheRight) {
  static_assert(coflow::pipe_closure<decltype(coflow::map(twice))>);
  static_assert(coflow::pipe_closure<const decltype(coflow::take(1))&>);
  static_assert(!coflow::pipe_closure<int>);
  static_assert(!coflow::pipe_closure<decltype(twice)>);
  static_assert(!coflow::pipe_closure<coflow::iota_source<int>>);
  // A sink ends a flow: it is no closure and does not compose.
  static_assert(!coflow::pipe_closure<decltype(coflow::to_vector())> &&
                coflow::sink<decltype(coflow::to_vector())>);
  static_assert(!coflow::sink<decltype(coflow::map(twice))>);
  static_assert(!can_pipe<decltype(coflow::map(twice)), int>);
  static_assert(!can_pipe<coflow::iota_source<int>, decltype(twice)>);
  static_assert(!can_pipe<std::vector<int>, std::string>);
  static_assert(can_pipe<std::vector<int>, decltype(coflow::map(twice))>);
  SUCCEED();
}

TEST(Pipe, AnAdaptorBuiltWithMakeClosureStoresCopiesOfItsArguments) {
  std::string suffix = "!";
  auto shout = append(suffix);
  suffix = "?";  // the closure holds its own copy
  static_assert(coflow::pipe_closure<decltype(shout)>);
  auto words = std::vector<std::string>{"hi", "yo"};
  EXPECT_EQ(words | shout | coflow::to_vector(), (std::vector<std::string>{"hi!", "yo!"}));
  EXPECT_EQ(words | (shout | append(suffix)) | coflow::to_vector(),
            (std::vector<std::string>{"hi!?", "yo!?"}));
}
