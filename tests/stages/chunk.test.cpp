// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

using coflow::cooperate;
using ints = std::vector<int>;

TEST(Chunk, GroupsValuesAndGivesAShorterLastChunk) {
  auto v = coflow::iota(0, 5) | coflow::chunk(2) | coflow::to_vector();
  EXPECT_EQ(v, (std::vector<ints>{{0, 1}, {2, 3}, {4}}));
  auto exact = coflow::iota(0, 4) | coflow::chunk(2) | coflow::to_vector();
  EXPECT_EQ(exact, (std::vector<ints>{{0, 1}, {2, 3}}));
  EXPECT_TRUE((std::vector<int>{} | coflow::chunk(3) | coflow::to_vector()).empty());
}

TEST(Chunk, KeepsThePartialChunkAcrossACooperate) {
  auto c = coflow::scripted<int>({1, cooperate{}, 2, 3}) | coflow::chunk(2);
  EXPECT_TRUE(c.next().is_cooperate());
  auto a = c.next();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, (ints{1, 2}));
  auto b = c.next();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, (ints{3}));
  EXPECT_TRUE(c.next().is_done());
}

TEST(Chunk, GivesThePartialChunkBeforeAFailure) {
  auto c =
      coflow::scripted<int>({1, 2, 3, coflow::failure::make(std::overflow_error("o"))}) | coflow::chunk(2);
  EXPECT_EQ(*c.next(), (ints{1, 2}));
  EXPECT_EQ(*c.next(), (ints{3}));
  auto f = c.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::overflow_error>());
}

// The push path (`stage | sink`, which drives a fused loop) once dropped the partial chunk
// when the upstream threw; it must give what the pull path gives.
TEST(Chunk, GivesThePartialChunkBeforeAFailureOnThePushPath) {
  auto flow = [] {
    return coflow::from(std::vector{1, 2, 3, 4, 5}) | coflow::map([](int x) {
             if (x == 5) throw std::domain_error("five");
             return x;
           }) |
           coflow::chunk(3);
  };
  static_assert(coflow::drivable<decltype(flow())>);
  std::vector<ints> pushed;
  EXPECT_THROW(flow() | coflow::for_each([&](ints v) { pushed.push_back(std::move(v)); }), std::domain_error);
  EXPECT_EQ(pushed, (std::vector<ints>{{1, 2, 3}, {4}}));

  std::vector<ints> pulled;
  EXPECT_THROW(
      {
        for (ints& v : coflow::block(flow())) pulled.push_back(std::move(v));
      },
      std::domain_error);
  EXPECT_EQ(pulled, pushed);

  // A consumer that stops at the partial chunk never sees the failure, on either path.
  int seen = 0;
  EXPECT_NO_THROW(flow() | coflow::for_each([&](const ints& v) { return ++seen, v.size() == 3; }));
  EXPECT_EQ(seen, 2);
}

TEST(Chunk, OfSizeZeroIsRefused) {
  EXPECT_THROW(coflow::chunk(0), std::invalid_argument);
  try {
    (void)coflow::chunk(0);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "coflow::chunk: the chunk size must be at least 1");
  }
}

TEST(Chunk, DrivesWhenTheUpstreamCannotCooperate) {
  auto c = coflow::iota(0, 7) | coflow::chunk(3);
  static_assert(coflow::drivable<decltype(c)>);
  std::vector<ints> got;
  c.drive([&](ints v) {
    got.push_back(std::move(v));
    return true;
  });
  EXPECT_EQ(got, (std::vector<ints>{{0, 1, 2}, {3, 4, 5}, {6}}));

  // Stopping early gives no partial chunk.
  auto d = coflow::iota(0) | coflow::chunk(2);
  got.clear();
  d.drive([&](ints v) {
    got.push_back(std::move(v));
    return got.size() < 2;
  });
  EXPECT_EQ(got, (std::vector<ints>{{0, 1}, {2, 3}}));
}

TEST(Chunk, MovesMoveOnlyValuesAndCopiesFromReferences) {
  auto c =
      coflow::iota(0, 3) | coflow::map([](int i) { return std::make_unique<int>(i); }) | coflow::chunk(2);
  auto v = std::move(c) | coflow::to_vector();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(*v[1][0], 2);

  std::vector<std::string> words{"a", "b", "c"};
  auto w = words | coflow::chunk(2) | coflow::to_vector();
  static_assert(std::is_same_v<decltype(w), std::vector<std::vector<std::string>>>);
  EXPECT_EQ(w[1], (std::vector<std::string>{"c"}));
  EXPECT_EQ(words[0], "a");  // copied, not moved from
}

TEST(Chunk, StaticProperties) {
  using runtime_n = decltype(coflow::iota(0) | coflow::chunk(4));
  using fixed_n = decltype(coflow::iota(0) | coflow::chunk(std::integral_constant<std::size_t, 4>{}));
  using coop = decltype(coflow::scripted<int>({}) | coflow::chunk(4));
  static_assert(coflow::buffer_bound_v<fixed_n> == 4);
  static_assert(coflow::buffer_bound_v<runtime_n> == coflow::unbounded);
  static_assert(!coflow::can_cooperate_v<runtime_n>);
  static_assert(coflow::can_cooperate_v<coop>);
  static_assert(!coflow::drivable<coop>);
  auto c = coflow::iota(0) | coflow::chunk(4);
  EXPECT_EQ(c.max_buffered(), 4u);
}
