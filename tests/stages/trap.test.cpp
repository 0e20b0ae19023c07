// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using coflow::cooperate;

namespace {
struct disk_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct not_std {};

// The seed's case: a generator that yields 'x' and then throws.
coflow::generator<char> x_then_throw() {
  co_yield 'x';
  throw disk_error("disk on fire");
}
}  // namespace

TEST(Trap, WithoutItBlockingRethrowsTheOriginalTypeAfterTheValue) {
  std::string seen;
  auto run = [&] {
    for (char c : coflow::block(x_then_throw())) seen += c;
  };
  EXPECT_THROW(run(), disk_error);
  EXPECT_EQ(seen, "x");
}

TEST(Trap, TurnsTheFailureIntoAValueAndEnds) {
  auto got = x_then_throw() | coflow::trap<disk_error>() | coflow::to_vector();
  static_assert(std::is_same_v<decltype(got)::value_type, std::variant<char, coflow::failure>>);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::get<char>(got[0]), 'x');
  const auto& f = std::get<coflow::failure>(got[1]);
  EXPECT_TRUE(f.is<disk_error>());
  EXPECT_EQ(f.message(), "disk on fire");
}

TEST(Trap, CatchesDerivedTypesAndAnyOfSeveral) {
  auto base = x_then_throw() | coflow::trap<std::runtime_error>() | coflow::to_vector();
  EXPECT_EQ(base.size(), 2u);
  auto either = x_then_throw() | coflow::trap<std::logic_error, disk_error>() | coflow::to_vector();
  EXPECT_EQ(either.size(), 2u);
  auto odd = coflow::scripted<int>({1, coflow::failure::make(not_std{})}) | coflow::trap<not_std>() |
             coflow::to_vector();
  ASSERT_EQ(odd.size(), 2u);
  EXPECT_TRUE(std::get<coflow::failure>(odd[1]).is<not_std>());
}

TEST(Trap, LetsOtherFailuresPass) {
  std::vector<std::variant<char, coflow::failure>> got;
  auto run = [&] {
    for (auto& v : coflow::block(x_then_throw() | coflow::trap<std::logic_error>())) got.push_back(v);
  };
  EXPECT_THROW(run(), disk_error);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<char>(got[0]), 'x');
}

TEST(Trap, PassesCooperatesAndEndsAfterTheTrappedFailure) {
  auto t = coflow::scripted<int>({1, cooperate{}, coflow::failure::make(std::out_of_range("o")), 2}) |
           coflow::trap<std::out_of_range>();
  EXPECT_EQ(std::get<int>(*t.next()), 1);
  EXPECT_TRUE(t.next().is_cooperate());
  auto f = t.next();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->index(), 1u);
  EXPECT_TRUE(t.next().is_done());  // the 2 after the failure is not pulled
}

TEST(Trap, StaticProperties) {
  using coop = decltype(coflow::scripted<int>({}) | coflow::trap<std::exception>());
  using plain = decltype(std::vector{1} | coflow::trap<std::exception>());
  static_assert(coflow::can_cooperate_v<coop>);
  static_assert(!coflow::can_cooperate_v<plain>);
  // No push loop: trap must see failures as values.
  static_assert(!coflow::drivable<plain>);
  std::vector<std::string> words{"w"};
  using of_refs = decltype(words | coflow::trap<std::exception>());
  static_assert(std::is_same_v<of_refs::value_type, std::variant<std::string, coflow::failure>>);
  static_assert(plain::stage_name == "trap");
  SUCCEED();
}
