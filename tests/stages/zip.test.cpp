// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using coflow::cooperate;
using namespace std::string_literals;

namespace {
// Pulls a stage to its end, recording cooperates as "~", values as text and a failure as "!".
template <class S, class F>
std::vector<std::string> trace(S& s, F show) {
  std::vector<std::string> out;
  for (;;) {
    auto st = s.next();
    if (st.is_done()) return out;
    if (st.is_cooperate())
      out.push_back("~");
    else if (st.is_failure())
      out.push_back("!" + st.error().message());
    else
      out.push_back(show(*st));
  }
}

template <class... S>
concept zippable = requires { typename coflow::zip_stage<S...>; };
}  // namespace

TEST(Zip, TheProducerPairsNumbersWithNamesAcrossACooperate) {
  auto producer = coflow::zip(coflow::from(std::vector{1, 2, 3}),
                              coflow::scripted<std::string>({"one", "two", cooperate{}, "three"}));
  static_assert(std::is_same_v<decltype(producer)::value_type, std::tuple<int, std::string>>);
  std::vector<std::tuple<int, std::string>> got;
  for (auto&& [n, name] : coflow::block(std::move(producer))) got.emplace_back(n, name);
  EXPECT_EQ(got, (std::vector<std::tuple<int, std::string>>{{1, "one"}, {2, "two"}, {3, "three"}}));
}

TEST(Zip, ACooperateKeepsTheValuesAlreadyPulledThisRound) {
  auto a = coflow::scripted<int>({1, 2, 3});
  auto b = coflow::scripted<std::string>({"one", cooperate{}, cooperate{}, "two", "three"});
  auto z = coflow::zip(std::move(a), std::move(b));
  auto got = trace(z, [](const auto& t) { return std::to_string(std::get<0>(t)) + std::get<1>(t); });
  // `2` was pulled before the cooperates and is paired with "two", not lost or skipped.
  EXPECT_EQ(got, (std::vector<std::string>{"1one", "~", "~", "2two", "3three"}));
}

TEST(Zip, StopsAtTheShortestBranch) {
  auto z = coflow::zip(std::vector{1, 2, 3, 4}, std::vector{'a', 'b'});
  auto got = std::move(z) | coflow::to_vector();
  EXPECT_EQ(got, (std::vector<std::tuple<int, char>>{{1, 'a'}, {2, 'b'}}));
}

TEST(Zip, ForwardsAFailureAfterTheTuplesBeforeItAndEnds) {
  auto z = coflow::zip(coflow::scripted<int>({1, 2, 3}),
                       coflow::scripted<int>({10, coflow::failure::make(std::out_of_range("b broke")), 30}));
  auto got = trace(z, [](const auto& t) { return std::to_string(std::get<0>(t) + std::get<1>(t)); });
  EXPECT_EQ(got, (std::vector<std::string>{"11", "!b broke"}));
}

TEST(Zip, ASecondBranchFailureRethrowsTheOriginalTypeAtTheEdge) {
  std::vector<int> seen;
  auto z = coflow::zip(coflow::scripted<int>({1, 2}),
                       coflow::scripted<int>({1, coflow::failure::make(std::out_of_range("x"))}));
  EXPECT_THROW(std::move(z) | coflow::for_each([&](auto t) { seen.push_back(std::get<0>(t)); }),
               std::out_of_range);
  EXPECT_EQ(seen, std::vector<int>{1});
}

TEST(Zip, KeepsReferencesToLvalueRanges) {
  std::vector<int> nums{1, 2};
  std::vector<std::string> names{"one", "two"};
  auto z = coflow::zip(nums, names);
  static_assert(std::is_same_v<decltype(z)::value_type, std::tuple<int&, std::string&>>);
  for (auto&& [n, s] : coflow::block(std::move(z))) {
    n *= 10;
    s += "!";
  }
  EXPECT_EQ(nums, (std::vector<int>{10, 20}));
  EXPECT_EQ(names, (std::vector<std::string>{"one!", "two!"}));
  // Copies are asked for by naming the element type.
  auto copies = coflow::zip(nums, names) | coflow::to_vector<std::tuple<int, std::string>>();
  EXPECT_EQ(copies, (std::vector<std::tuple<int, std::string>>{{10, "one!"}, {20, "two!"}}));
}

TEST(Zip, PipeFormsTakeTheLeftSideAsTheFirstBranch) {
  std::vector<std::string> names{"one", "two", "three"};
  auto two = coflow::from(std::vector{1, 2, 3}) | coflow::zip(names) | coflow::to_vector();
  ASSERT_EQ(two.size(), 3u);
  EXPECT_EQ(std::get<0>(two[2]), 3);
  EXPECT_EQ(std::get<1>(two[2]), "three");

  // `names` is an lvalue: its elements are referred to, so this vector holds `std::string&`.
  auto three = std::vector{1, 2} | coflow::zip(names, std::vector{'a', 'b', 'c'}) | coflow::to_vector();
  static_assert(std::is_same_v<decltype(three)::value_type, std::tuple<int, std::string&, char>>);
  ASSERT_EQ(three.size(), 2u);
  EXPECT_EQ(&std::get<1>(three[1]), &names[1]);
  EXPECT_EQ(std::get<2>(three[1]), 'b');

  auto four =
      coflow::zip(std::vector{1}, std::vector{2}, std::vector{3}, std::vector{4}) | coflow::to_vector();
  EXPECT_EQ(four, (std::vector<std::tuple<int, int, int, int>>{{1, 2, 3, 4}}));
}

TEST(Zip, DrivesAsOneLoopWhenNoBranchCanCooperate) {
  auto z = coflow::zip(coflow::iota(0), std::vector{5, 6, 7});
  static_assert(coflow::drivable<decltype(z)>);
  std::vector<int> sums;
  z.drive([&](std::tuple<int, int> t) {
    sums.push_back(std::get<0>(t) + std::get<1>(t));
    return true;
  });
  EXPECT_EQ(sums, (std::vector<int>{5, 7, 9}));

  // In drive, a failure of another branch is an exception of its original type.
  auto bad = coflow::zip(std::vector{1, 2}, coflow::map(
                                                [](int i) {
                                                  if (i == 2) throw std::domain_error("two");
                                                  return i;
                                                },
                                                std::vector{1, 2}));
  static_assert(coflow::drivable<decltype(bad)>);
  int seen = 0;
  EXPECT_THROW(bad.drive([&](auto) { return ++seen, true; }), std::domain_error);
  EXPECT_EQ(seen, 1);
}

TEST(Zip, OverRangesAndIotaWalksThemInOneLoopAndKeepsThePosition) {
  std::vector<int> a{1, 2, 3, 4, 5};
  auto z = coflow::zip(coflow::from(a), coflow::iota(10), std::vector<std::string>{"a", "b", "c", "d"});
  static_assert(coflow::lends_cursor<coflow::iota_source<int>>);
  static_assert(coflow::lends_cursor<decltype(coflow::from(a))>);
  static_assert(!coflow::lends_cursor<decltype(coflow::scripted<int>({1}))>);

  // Stopped after two rounds, a throwing consumer on the third: three rounds are consumed.
  std::vector<std::string> seen;
  z.drive([&](std::tuple<int&, int, std::string> t) {
    seen.push_back(std::to_string(std::get<0>(t)) + std::get<2>(t) + std::to_string(std::get<1>(t)));
    return seen.size() < 2;
  });
  EXPECT_THROW(z.drive([](auto&&) -> bool { throw std::runtime_error("consumer"); }), std::runtime_error);
  // The cursors were given back: pulling goes on with the fourth round, then the shortest ends.
  auto st = z.next();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(&std::get<0>(*st), &a[3]);
  EXPECT_EQ(std::get<1>(*st), 13);
  EXPECT_EQ(std::get<2>(*st), "d");
  EXPECT_TRUE(z.next().is_done());
  EXPECT_EQ(seen, (std::vector<std::string>{"1a10", "2b11"}));

  // A range that cannot count what it has left (a filter view) is compared with its end;
  // the sized one beside it is counted down, and the shorter of the two ends the zip.
  std::vector<int> evens_from{1, 2, 3, 4, 5, 6, 7, 8};
  auto mixed =
      coflow::zip(evens_from | std::views::filter([](int i) { return i % 2 == 0; }), std::vector{10, 20, 30});
  static_assert(!coflow::detail::counts_remaining<decltype(coflow::from(
                    evens_from | std::views::filter([](int) { return true; })))>);
  static_assert(coflow::detail::counts_remaining<decltype(coflow::from(std::vector{1}))>);
  std::vector<int> products;
  mixed.drive(
      [&](std::tuple<int&, int> t) { return products.push_back(std::get<0>(t) * std::get<1>(t)), true; });
  EXPECT_EQ(products, (std::vector<int>{20, 80, 180}));
  EXPECT_TRUE(mixed.next().is_done());

  // Owned ranges of move-only values are moved out, in one loop to the shortest.
  std::vector<std::unique_ptr<int>> ptrs;
  for (int i = 0; i < 3; ++i) ptrs.push_back(std::make_unique<int>(i));
  auto owned = coflow::zip(std::move(ptrs), coflow::iota(0, 2));
  int sum = 0;
  owned.drive([&](std::tuple<std::unique_ptr<int>, int> t) {
    return sum += *std::get<0>(t) * 10 + std::get<1>(t), true;
  });
  EXPECT_EQ(sum, 0 + 11);
  EXPECT_TRUE(owned.next().is_done());
}

TEST(Zip, StaticProperties) {
  using plain = decltype(coflow::zip(std::vector{1}, std::vector{2}));
  using coop = decltype(coflow::zip(std::vector{1}, coflow::scripted<int>({2})));
  static_assert(!coflow::can_cooperate_v<plain>);
  static_assert(coflow::can_cooperate_v<coop>);
  static_assert(!coflow::drivable<coop>);
  static_assert(coflow::buffer_bound_v<plain> == 1);
  static_assert(
      coflow::buffer_bound_v<decltype(coflow::zip(std::vector{1}, std::vector{2}, std::vector{3}))> == 2);
  static_assert(plain::stage_name == "zip");
  // The stage type itself only takes stages (zip() reports the misuse: see compile_fail/).
  static_assert(zippable<plain, plain>);
  static_assert(!zippable<int, plain>);
  SUCCEED();
}

TEST(Map, OverSeveralStagesCallsTheFunctionWithTheUnpackedTuple) {
  auto sums = coflow::map(std::plus<>{}, std::vector{1, 2, 3}, coflow::scripted<int>({10, cooperate{}, 20}));
  std::vector<int> got;
  for (int v : coflow::block(std::move(sums))) got.push_back(v);
  EXPECT_EQ(got, (std::vector<int>{11, 22}));

  auto labels = coflow::map([](int n, const std::string& s, char c) { return std::to_string(n) + s + c; },
                            std::vector{1, 2}, std::vector{"a"s, "b"s}, std::vector{'x', 'y'}) |
                coflow::to_vector();
  EXPECT_EQ(labels, (std::vector<std::string>{"1ax", "2by"}));

  // One stage: the same as `a | map(f)`.
  auto doubled = coflow::map([](int i) { return 2 * i; }, std::vector{1, 2}) | coflow::to_vector();
  EXPECT_EQ(doubled, (std::vector<int>{2, 4}));
}

TEST(Zip, ComposesWithOtherStagesOnBothSides) {
  auto firsts = coflow::zip(coflow::iota(1), std::vector<std::string>{"a", "b", "c"}) |
                coflow::map([](auto t) { return std::get<1>(t) + std::to_string(std::get<0>(t)); }) |
                coflow::take(2) | coflow::to_vector();
  EXPECT_EQ(firsts, (std::vector<std::string>{"a1", "b2"}));

  // Move-only values are moved through the tuple.
  auto owned = coflow::zip(coflow::iota(0) | coflow::map([](int i) { return std::make_unique<int>(i); }),
                           std::vector{7, 8}) |
               coflow::to_vector();
  ASSERT_EQ(owned.size(), 2u);
  EXPECT_EQ(*std::get<0>(owned[1]), 1);
}

namespace {
using ints = std::vector<int>;
auto pairs() {
  return coflow::zip(coflow::iota(1, 5), coflow::from(ints{10, 20, 30, 40}));
}
}  // namespace

TEST(Unpacking, MapAndFilterTakeAZippedTuplesElements) {
  auto v = pairs() | coflow::filter([](int x, int y) { return x % 2 == 0 || y == 10; }) |
           coflow::map([](int x, int y) { return x + y; }) | coflow::to_vector();
  EXPECT_EQ(v, (ints{11, 22, 44}));
  // Pairs and arrays are unpacked too; the elements keep their value category.
  auto moved = coflow::from({std::pair{1, std::string("a")}}) |
               coflow::map([](int i, std::string&& s) { return s + std::to_string(i); }) |
               coflow::to_vector();
  EXPECT_EQ(moved, (std::vector<std::string>{"a1"}));
  auto sums = coflow::from({std::array{1, 2, 3}}) |
              coflow::map([](int a, int b, int c) { return a + b + c; }) | coflow::to_vector();
  EXPECT_EQ(sums, (ints{6}));
}

TEST(Unpacking, AFunctionThatTakesTheTupleGetsTheTuple) {
  struct both {
    int operator()(const std::tuple<int, int>& t) const { return std::get<0>(t) * 100; }
    int operator()(int x, int y) const { return x + y; }
  };
  EXPECT_EQ(pairs() | coflow::take(1) | coflow::map(both{}) | coflow::to_vector(), (ints{100}));
  auto sizes = pairs() | coflow::take(2) | coflow::map([](auto&&... t) { return int(sizeof...(t)); }) |
               coflow::to_vector();
  EXPECT_EQ(sizes, (ints{1, 1}));
}

TEST(Unpacking, TheOtherAdaptorsThatCallAFunctionOnTheValueUnpackToo) {
  auto less = [](int x, int y) { return x < 3 && y < 15; };
  auto kept =
      pairs() | coflow::take_while(less) | coflow::map([](int x, int) { return x; }) | coflow::to_vector();
  EXPECT_EQ(kept, (ints{1}));
  auto rest =
      pairs() | coflow::drop_while(less) | coflow::map([](int x, int) { return x; }) | coflow::to_vector();
  EXPECT_EQ(rest, (ints{2, 3, 4}));
  auto running =
      pairs() | coflow::scan(0, [](int acc, int x, int y) { return acc + x * y; }) | coflow::to_vector();
  EXPECT_EQ(running, (ints{10, 50, 140, 300}));
  int total = 0;
  pairs() | coflow::for_each([&total](int x, int y) { total += x + y; });
  EXPECT_EQ(total, 110);
  ints seen;
  pairs() | coflow::for_each([&seen](int x, int) {
    seen.push_back(x);
    return x < 2;  // a bool result stops the flow
  });
  EXPECT_EQ(seen, (ints{1, 2}));
}
