// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/iota.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <type_traits>
#include <variant>
#include <vector>

TEST(Iota, BoundedCountsUpToLastExcluded) {
  EXPECT_EQ(coflow::iota(2, 5) | coflow::to_vector(), (std::vector<int>{2, 3, 4}));
  auto s = coflow::iota(std::int64_t{7}, 8);
  static_assert(std::is_same_v<coflow::value_t<decltype(s)>, std::int64_t>);
  EXPECT_EQ(*s.next(), 7);
  EXPECT_TRUE(s.next().is_done());
}

TEST(Iota, EmptyWhenFirstIsLast) {
  auto s = coflow::iota(3, 3);
  EXPECT_TRUE(s.next().is_done());
  EXPECT_TRUE((coflow::iota(3, 3) | coflow::to_vector()).empty());
}

TEST(Iota, UnboundedNeverEnds) {
  auto s = coflow::iota(0);
  for (int i = 0; i < 1000; ++i) {
    auto v = s.next();
    ASSERT_TRUE(v.has_value());
    ASSERT_EQ(*v, i);
  }
}

TEST(Iota, DriveStopsWhenAskedAndNextContinues) {
  auto s = coflow::iota(0);
  std::vector<int> seen;
  s.drive([&](int i) {
    seen.push_back(i);
    return i < 2;
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(*s.next(), 3);
}

// A step is a std::variant, one of whose alternatives (a failure) has a non-trivial destructor:
// a literal type only where the variant's destructor is constexpr (P2231, not in libc++ 16).
#if __cpp_lib_variant >= 202106L
static_assert(coflow::iota(0, 3).next().has_value(), "iota works at compile time");
#endif

TEST(Iota, AValueGivenToAThrowingConsumerInAFusedLoopIsConsumed) {
  struct stop {};
  auto s = coflow::iota(0, 5);
  EXPECT_THROW(s.drive([](int i) -> bool {
    if (i == 1) throw stop{};
    return true;
  }),
               stop);
  EXPECT_EQ(*s.next(), 2);
}
