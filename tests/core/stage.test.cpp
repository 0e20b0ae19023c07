// SPDX-License-Identifier: BSL-1.0
// The stage concept, its refinements `drivable` and `lends_cursor`, and the static properties
// every stage states or defaults (value_t, can_cooperate_v, uses_threads_v, buffer_bound_v).
// These are real concepts, so the negative checks are plain `!concept<T>` on hand-written types
// that miss one requirement each.
#include <coflow/core/stage.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sources/just.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/map.hpp>
#include <coflow/stages/zip.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace coflow_stage_test {

/// The least a stage needs: no name, no upstreams, no drive.
struct minimal {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  int left = 3;
  coflow::step<int> next() {
    if (left == 0) return coflow::done;
    return left--;
  }
};

/// Counts down from `n`, offering a push loop too.
struct countdown {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  static constexpr std::string_view stage_name = "countdown";
  using upstreams = decltype(boost::hana::tuple_t<>);
  int n;
  int pulls = 0;
  coflow::step<int> next() {
    ++pulls;
    if (n == 0) return coflow::done;
    return n--;
  }
  template <class F>
  void drive(F&& f) {
    while (n > 0)
      if (!f(n--)) return;
  }
};

/// A countdown that also lends its position as a cursor, so zip walks it in a local. It
/// reports what was done with it to `log`, as it is moved into the zip.
struct countdown_cursor : countdown {
  struct cursor {
    int n;
  };
  struct record {
    int lent = 0;
    int taken_back_at = -1;
  };
  record* log = nullptr;
  cursor lend_cursor() {
    if (log) ++log->lent;
    return cursor{n};
  }
  bool at_end(const cursor& c) const { return c.n == 0; }
  int read(const cursor& c) const { return c.n; }
  static void advance(cursor& c) { --c.n; }
  void take_back(const cursor& c) {
    n = c.n;
    if (log) log->taken_back_at = n;
  }
  coflow::step<int> next() {
    if (log) log->taken_back_at = -2;  // pulled: zip did not walk it by cursor
    return countdown::next();
  }
};

/// States the optional properties.
struct buffering {
  using value_type = std::string;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  static constexpr std::size_t buffer_bound = 16;
  coflow::step<std::string> next() { return coflow::done; }
};

/// Has a push loop but can cooperate: it must be pulled.
struct cooperating_with_drive {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  coflow::step<int> next() { return coflow::cooperate{}; }
  template <class F>
  void drive(F&&) {}
};

// Each of these misses one requirement of `stage`.
struct no_value_type {
  static constexpr bool can_cooperate = false;
  coflow::step<int> next() { return coflow::done; }
};
struct step_of_another_type {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  coflow::step<long> next() { return coflow::done; }
};
struct gives_plain_values {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  int next() { return 0; }
};
struct no_can_cooperate {
  using value_type = int;
  coflow::step<int> next() { return coflow::done; }
};
struct can_cooperate_not_a_bool {
  using value_type = int;
  static constexpr std::string_view can_cooperate = "no";
  coflow::step<int> next() { return coflow::done; }
};
struct immovable {
  using value_type = int;
  static constexpr bool can_cooperate = false;
  immovable() = default;
  immovable(immovable&&) = delete;
  coflow::step<int> next() { return coflow::done; }
};

// Each of these misses one requirement of `drivable` or `lends_cursor`.
struct drive_without_a_function : minimal {
  void drive() {}
};
struct cursor_without_take_back : countdown {
  struct cursor {
    int n;
  };
  cursor lend_cursor() { return cursor{n}; }
  bool at_end(const cursor& c) const { return c.n == 0; }
  int read(const cursor& c) const { return c.n; }
  static void advance(cursor& c) { --c.n; }
};
struct cursor_reading_another_type : countdown_cursor {
  std::string read(const cursor&) const { return {}; }
};

}  // namespace coflow_stage_test

using namespace coflow_stage_test;

TEST(Stage, HandWrittenTypesAreStagesWhenTheyMeetEveryRequirement) {
  static_assert(coflow::stage<minimal> && coflow::stage<countdown> && coflow::stage<buffering>);
  static_assert(!coflow::stage<no_value_type>);
  static_assert(!coflow::stage<step_of_another_type>);
  static_assert(!coflow::stage<gives_plain_values>);
  static_assert(!coflow::stage<no_can_cooperate>);
  static_assert(!coflow::stage<can_cooperate_not_a_bool>);
  static_assert(!coflow::stage<immovable>);
  static_assert(!coflow::stage<int> && !coflow::stage<std::vector<int>>);
  // The minimal stage runs like any other: through a map and into a sink.
  EXPECT_EQ(minimal{} | coflow::map([](int i) { return i * 10; }) | coflow::to_vector(),
            (std::vector<int>{30, 20, 10}));
}

TEST(Stage, CoflowsOwnSourcesAndAdaptorsAreStages) {
  std::vector<std::string> words{"a"};
  static_assert(coflow::stage<decltype(coflow::from(words))>);
  static_assert(coflow::stage<decltype(coflow::iota(0))>);
  static_assert(coflow::stage<decltype(coflow::just(1))>);
  static_assert(coflow::stage<coflow::scripted_source<int>>);
  static_assert(coflow::stage<decltype(coflow::zip(coflow::iota(0), words))>);
  // A stage over a move-only value type is still a stage (it is moved, never copied).
  static_assert(coflow::stage<decltype(coflow::from(std::vector<std::unique_ptr<int>>{}))>);
  SUCCEED();
}

TEST(Stage, ValueTypesWithAndWithoutReferences) {
  std::vector<std::string> words{"a"};
  using refs = decltype(coflow::from(words));
  using owned = decltype(coflow::from(std::vector<std::string>{}));
  using const_refs = decltype(coflow::from(std::as_const(words)));
  static_assert(std::is_same_v<coflow::value_t<refs>, std::string&>);
  static_assert(std::is_same_v<coflow::value_t<owned>, std::string>);
  static_assert(std::is_same_v<coflow::value_t<const_refs>, const std::string&>);
  // What a consumer stores drops the reference and the const.
  static_assert(std::is_same_v<coflow::stored_value_t<refs>, std::string>);
  static_assert(std::is_same_v<coflow::stored_value_t<const_refs>, std::string>);
  static_assert(std::is_same_v<coflow::stored_value_t<owned>, std::string>);
  auto r = coflow::from(words);
  coflow::value_t<refs> first = *r.next();
  EXPECT_EQ(&first, &words[0]);
}

TEST(Stage, OptionalPropertiesHaveDefaults) {
  static_assert(!coflow::can_cooperate_v<minimal> && coflow::can_cooperate_v<buffering>);
  static_assert(!coflow::uses_threads_v<minimal> && coflow::uses_threads_v<buffering>);
  static_assert(coflow::buffer_bound_v<minimal> == 0 && coflow::buffer_bound_v<buffering> == 16);
  static_assert(coflow::unbounded == std::numeric_limits<std::size_t>::max());
  // zip holds one value of the branches it has already pulled while it waits on another.
  static_assert(coflow::buffer_bound_v<decltype(coflow::zip(coflow::iota(0), coflow::iota(0)))> == 1);
  SUCCEED();
}

TEST(Stage, BufferBoundsAddUpWithoutOverflowingPastUnbounded) {
  using coflow::unbounded;
  using coflow::detail::add_bounds;
  static_assert(add_bounds(2, 3) == 5);
  static_assert(add_bounds(unbounded, 0) == unbounded && add_bounds(0, unbounded) == unbounded);
  static_assert(add_bounds(unbounded - 1, 1) == unbounded);
  static_assert(add_bounds(unbounded - 1, 2) == unbounded);  // would wrap to 0
  static_assert(add_bounds(unbounded / 2 + 1, unbounded / 2 + 1) == unbounded);
  static_assert(coflow::detail::sum_bounds<minimal, buffering, buffering>() == 32);
  static_assert(coflow::detail::sum_bounds<>() == 0);
  SUCCEED();
}

TEST(Stage, DrivableNeedsAPushLoopAndNoCooperates) {
  static_assert(coflow::drivable<countdown>);
  static_assert(!coflow::drivable<minimal>);  // no drive at all
  static_assert(!coflow::drivable<drive_without_a_function>);
  static_assert(!coflow::drivable<cooperating_with_drive>);
  static_assert(coflow::drivable<decltype(coflow::iota(0))> && coflow::drivable<decltype(coflow::just(1))>);
  static_assert(!coflow::drivable<coflow::scripted_source<int>>);
  // A drivable stage is run by its push loop: a sink never pulls it.
  countdown c{4};
  auto doubled = coflow::from(c) | coflow::map([](int i) { return 2 * i; });
  EXPECT_EQ(std::move(doubled) | coflow::to_vector(), (std::vector<int>{8, 6, 4, 2}));
  countdown d{2};
  std::vector<int> got = coflow::run(d, coflow::to_vector());
  EXPECT_EQ(got, (std::vector<int>{2, 1}));
  EXPECT_EQ(d.pulls, 0);
}

TEST(Stage, LendsCursorIsWhatZipWalksInOneLoop) {
  static_assert(coflow::lends_cursor<countdown_cursor>);
  static_assert(!coflow::lends_cursor<countdown>);
  static_assert(!coflow::lends_cursor<cursor_without_take_back>);
  static_assert(!coflow::lends_cursor<cursor_reading_another_type>);
  static_assert(coflow::lends_cursor<decltype(coflow::iota(0))>);
  static_assert(coflow::lends_cursor<decltype(coflow::from(std::vector<int>{}))>);
  static_assert(coflow::lends_cursor<decltype(coflow::just(1))>);  // its cursor: the value is still to come
  static_assert(!coflow::lends_cursor<decltype(coflow::iota(0) | coflow::map([](int i) { return i; }))>);

  // zip walks the hand-written cursor in lock step with iota's and gives the position back
  // where the shorter branch ended: the countdown goes on from there.
  countdown_cursor::record log;
  countdown_cursor c{};
  c.n = 5;
  c.log = &log;
  auto z = coflow::zip(coflow::iota(0, 2), std::move(c));
  std::vector<std::tuple<int, int>> got;
  z.drive([&](std::tuple<int, int> t) {
    got.push_back(t);
    return true;
  });
  EXPECT_EQ(got, (std::vector<std::tuple<int, int>>{{0, 5}, {1, 4}}));
  EXPECT_EQ(log.lent, 1);
  EXPECT_EQ(log.taken_back_at, 3);
}
