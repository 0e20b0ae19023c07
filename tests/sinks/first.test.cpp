// SPDX-License-Identifier: BSL-1.0
#include <coflow/sinks/first.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {
// Counts its pulls; offers no drive(), so it is always pulled.
struct counting {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  [[maybe_unused]] static constexpr std::string_view stage_name = "counting";
  using upstreams = decltype(boost::hana::tuple_t<>);
  int* pulls;
  coflow::step<int> next() { return (*pulls)++; }
};
}  // namespace

TEST(First, GivesTheFirstValue) {
  EXPECT_EQ(coflow::iota(4) | coflow::first(), std::optional<int>{4});
  std::vector<std::string> v{"a", "b"};
  EXPECT_EQ(coflow::from(v) | coflow::first(), std::optional<std::string>{"a"});
}

TEST(First, OfAnEmptyFlowIsEmpty) {
  EXPECT_EQ(coflow::from(std::vector<int>{}) | coflow::first(), std::nullopt);
  EXPECT_EQ(coflow::scripted<int>({coflow::cooperate{}}) | coflow::first(), std::nullopt);
}

TEST(First, StopsPullingAfterTheFirst) {
  int pulls = 0;
  EXPECT_EQ(counting{&pulls} | coflow::first(), std::optional<int>{0});
  EXPECT_EQ(pulls, 1);
}

TEST(First, OfMoveOnlyValues) {
  std::vector<std::unique_ptr<int>> v;
  v.push_back(std::make_unique<int>(9));
  auto f = coflow::from(std::move(v)) | coflow::first();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(**f, 9);
}
