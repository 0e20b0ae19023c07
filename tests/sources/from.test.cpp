// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/for_each.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/stages/map.hpp>

#include <gtest/gtest.h>

#include <array>
#include <list>
#include <memory>
#include <ranges>
#include <string>
#include <type_traits>
#include <vector>

#include <range/v3/view/filter.hpp>
#include <range/v3/view/iota.hpp>
#include <range/v3/view/transform.hpp>

namespace {
// Pulls a stage to its end with next(), the way every driver does.
template <class S>
std::vector<coflow::stored_value_t<S>> pull_all(S& s) {
  std::vector<coflow::stored_value_t<S>> out;
  for (auto st = s.next(); !st.is_done(); st = s.next()) {
    EXPECT_TRUE(st.has_value());
    if (!st.has_value()) break;
    out.push_back(*std::move(st));
  }
  return out;
}
template <class S>
auto pull_all(S&& s) {
  S local{std::move(s)};
  return pull_all(local);
}
using ints = std::vector<int>;
}  // namespace

TEST(From, LvalueVectorGivesReferencesIntoIt) {
  std::vector<int> v{1, 2, 3};
  auto s = coflow::from(v);
  static_assert(std::is_same_v<coflow::value_t<decltype(s)>, int&>);
  auto first = s.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(&*first, &v[0]);
  *first = 10;
  EXPECT_EQ(v[0], 10);
  EXPECT_EQ(pull_all(s), (ints{2, 3}));
}

TEST(From, RvalueVectorIsOwnedAndMovedOut) {
  std::vector<std::string> v{"a", "b"};
  auto s = coflow::from(std::move(v));
  static_assert(std::is_same_v<coflow::value_t<decltype(s)>, std::string>);
  v = {"other"};  // the stage no longer depends on v
  EXPECT_EQ(pull_all(s), (std::vector<std::string>{"a", "b"}));
}

TEST(From, ArrayAndList) {
  std::array<int, 3> a{4, 5, 6};
  EXPECT_EQ(pull_all(coflow::from(a)), (ints{4, 5, 6}));
  EXPECT_EQ(pull_all(coflow::from(std::array<int, 2>{7, 8})), (ints{7, 8}));
  std::list<int> l{1, 2};
  EXPECT_EQ(pull_all(coflow::from(l)), (ints{1, 2}));
  EXPECT_EQ(pull_all(coflow::from(std::list<int>{3})), (ints{3}));
}

TEST(From, InitializerList) {
  auto s = coflow::from({1, 2, 3});
  static_assert(std::is_same_v<coflow::value_t<decltype(s)>, int>);
  EXPECT_EQ(pull_all(s), (ints{1, 2, 3}));
}

TEST(From, StdViews) {
  EXPECT_EQ(pull_all(coflow::from(std::views::iota(1, 4))), (ints{1, 2, 3}));
  std::vector<int> v{1, 2, 3};
  EXPECT_EQ(pull_all(coflow::from(v | std::views::transform([](int i) { return i * 10; }))),
            (ints{10, 20, 30}));
  auto lvalue_view = std::views::iota(5, 7);
  EXPECT_EQ(pull_all(coflow::from(lvalue_view)), (ints{5, 6}));
}

TEST(From, RangeV3Views) {
  EXPECT_EQ(pull_all(coflow::from(ranges::views::iota(1, 4))), (ints{1, 2, 3}));
  std::vector<int> v{1, 2, 3};
  EXPECT_EQ(pull_all(coflow::from(v | ranges::views::transform([](int i) { return i + 1; }))),
            (ints{2, 3, 4}));
}

TEST(From, AnRvalueViewOverAnLvalueContainerDoesNotMoveItsElementsOut) {
  std::vector<std::string> v{"keep", "me"};
  auto all = [](const std::string&) { return true; };
  EXPECT_EQ(pull_all(coflow::from(v | ranges::views::filter(all))), v);
  EXPECT_EQ(v, (std::vector<std::string>{"keep", "me"}));
  EXPECT_EQ(pull_all(coflow::from(v | std::views::filter(all))), v);
  EXPECT_EQ(v, (std::vector<std::string>{"keep", "me"}));
}

TEST(From, AStringIsOneValue) {
  auto s = coflow::from(std::string("abc"));
  static_assert(std::is_same_v<coflow::value_t<decltype(s)>, std::string>);
  EXPECT_EQ(pull_all(s), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(pull_all(coflow::from("literal")), (std::vector<std::string>{"literal"}));
}

TEST(From, EmptySourcesEndAtOnce) {
  std::vector<int> empty;
  EXPECT_TRUE(coflow::from(empty).next().is_done());
  EXPECT_TRUE(coflow::from(std::vector<int>{}).next().is_done());
  EXPECT_TRUE(coflow::from(std::list<int>{}).next().is_done());
  EXPECT_TRUE(coflow::from(std::views::iota(0, 0)).next().is_done());
  auto s = coflow::from(empty);
  EXPECT_TRUE(s.next().is_done());
  EXPECT_TRUE(s.next().is_done());  // and stays ended
}

TEST(From, MoveOnlyValuesAreMovedIn) {
  std::vector<std::unique_ptr<int>> v;
  v.push_back(std::make_unique<int>(1));
  v.push_back(std::make_unique<int>(2));
  std::vector<std::unique_ptr<int>> out = coflow::from(std::move(v)) | coflow::to_vector();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(*out[0], 1);
  EXPECT_EQ(*out[1], 2);
}

TEST(From, ReferencesReachAMapThatModifiesTheOriginal) {
  std::vector<std::string> v{"a", "b"};
  auto sizes = coflow::from(v) | coflow::map([](std::string& s) {
                 s += "!";
                 return s.size();
               }) |
               coflow::to_vector();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(v, (std::vector<std::string>{"a!", "b!"}));
  coflow::from(v) | coflow::for_each([](std::string& s) { s += "?"; });
  EXPECT_EQ(v, (std::vector<std::string>{"a!?", "b!?"}));
}

TEST(From, AStageMovedAfterItStartedKeepsItsPosition) {
  auto owned = coflow::from(std::vector<int>{1, 2, 3});
  ASSERT_EQ(*owned.next(), 1);
  auto moved = std::move(owned);
  EXPECT_EQ(pull_all(moved), (ints{2, 3}));

  std::list<int> l{1, 2, 3};
  auto referred = coflow::from(l);
  ASSERT_EQ(*referred.next(), 1);
  auto moved_ref = std::move(referred);
  EXPECT_EQ(pull_all(moved_ref), (ints{2, 3}));
}

TEST(From, DriveAfterNextContinuesWhereNextStopped) {
  auto s = coflow::from(std::vector<int>{1, 2, 3, 4});
  ASSERT_EQ(*s.next(), 1);
  ints seen;
  s.drive([&](int i) {
    seen.push_back(i);
    return i < 3;
  });
  EXPECT_EQ(seen, (ints{2, 3}));
  EXPECT_EQ(pull_all(s), (ints{4}));
}

TEST(From, AStageIsPassedThrough) {
  auto s = coflow::from(coflow::from(std::vector<int>{1, 2}));
  EXPECT_EQ(pull_all(s), (ints{1, 2}));
}

TEST(From, AValueGivenToAThrowingConsumerInAFusedLoopIsConsumed) {
  struct stop {};
  auto s = coflow::from(std::vector<int>{1, 2, 3});
  EXPECT_THROW(s.drive([](int i) -> bool {
    if (i == 2) throw stop{};
    return true;
  }),
               stop);
  EXPECT_EQ(pull_all(s), (ints{3}));  // as when pulled: 1 and 2 were delivered
  auto moved = std::move(s);
  EXPECT_TRUE(moved.next().is_done());
}
