// SPDX-License-Identifier: BSL-1.0
#include <coflow/control/block.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/sources/just.hpp>
#include <coflow/sources/scripted.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {
// Counts how many times each level's locals were destroyed.
struct guard {
  int* count;
  ~guard() { ++*count; }
};
struct counts {
  int bottom = 0, middle = 0, top = 0;
};

coflow::generator<int> bottom(counts& c, bool fail) {
  guard g{&c.bottom};
  co_yield 1;
  co_yield coflow::cooperate{3ms};
  if (fail) throw std::domain_error("bottom failed");
  co_yield 2;
}
coflow::generator<int> middle(counts& c, bool fail) {
  guard g{&c.middle};
  auto b = bottom(c, fail);
  while (auto v = co_await b) co_yield *v * 10;
}
coflow::generator<int> top(counts& c, bool fail) {
  guard g{&c.top};
  auto m = middle(c, fail);
  while (auto v = co_await m) co_yield *v + 1;
}
}  // namespace

TEST(Generator, ACooperateAtTheBottomSuspendsThreeLevelsAndResumesWhereItWas) {
  counts c;
  auto t = top(c, false);
  auto a = t.next();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, 11);
  auto coop = t.next();
  ASSERT_TRUE(coop.is_cooperate());
  EXPECT_EQ(coop.cooperation().timeout(), 3ms);
  auto b = t.next();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, 21);
  EXPECT_TRUE(t.next().is_done());
  EXPECT_TRUE(t.next().is_done());
  EXPECT_EQ(c.bottom + c.middle + c.top, 3);
}

TEST(Generator, AFailureAtTheBottomUnwindsEveryLevelToTheEdge) {
  counts c;
  std::vector<int> seen;
  try {
    for (int v : coflow::block(top(c, true))) seen.push_back(v);
    FAIL() << "block did not rethrow";
  } catch (const std::domain_error& e) {
    EXPECT_STREQ(e.what(), "bottom failed");
    EXPECT_EQ(c.bottom, 1);
    EXPECT_EQ(c.middle, 1);
    EXPECT_EQ(c.top, 1);
  }
  EXPECT_EQ(seen, (std::vector<int>{11}));
}

namespace {
coflow::generator<int> recovering_middle(counts& c) {
  guard g{&c.middle};
  auto b = bottom(c, true);
  bool failed = false;
  try {
    while (auto v = co_await b) co_yield *v * 10;
  } catch (const std::domain_error&) {
    failed = true;  // no co_yield inside a handler
  }
  if (failed) co_yield -1;
  co_yield -2;
}
coflow::generator<int> top_over_recovering(counts& c) {
  guard g{&c.top};
  auto m = recovering_middle(c);
  while (auto v = co_await m) co_yield *v;
}
}  // namespace

TEST(Generator, AMiddleLevelCatchesTheFailureAndRecovers) {
  counts c;
  auto t = top_over_recovering(c);
  EXPECT_EQ(*t.next(), 10);
  EXPECT_TRUE(t.next().is_cooperate());
  auto r = t.next();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, -1);
  EXPECT_EQ(c.bottom, 1);  // the bottom is gone, the others still run
  EXPECT_EQ(c.middle, 0);
  EXPECT_EQ(*t.next(), -2);
  EXPECT_TRUE(t.next().is_done());
  EXPECT_EQ(c.middle, 1);
  EXPECT_EQ(c.top, 1);
}

TEST(Generator, CoAwaitOnAStageThatIsDoneGivesEmpty) {
  auto g = []() -> coflow::generator<int> {
    auto one = coflow::just(5);
    auto a = co_await one;
    auto b = co_await one;
    auto c = co_await one;
    co_yield a ? *a : 0;
    co_yield b ? 1 : 0;
    co_yield c ? 1 : 0;
  }();
  EXPECT_EQ(coflow::block(std::move(g)) | coflow::to_vector(), (std::vector<int>{5, 0, 0}));
}

TEST(Generator, CoYieldCooperatePassesThrough) {
  auto g = []() -> coflow::generator<int> {
    co_yield coflow::cooperate{7ms};
    co_yield coflow::cooperate::park();
    co_yield 1;
  }();
  auto c = g.next();
  ASSERT_TRUE(c.is_cooperate());
  EXPECT_EQ(c.cooperation().timeout(), 7ms);
  EXPECT_TRUE(g.next().cooperation().parked());
  EXPECT_EQ(*g.next(), 1);
}

TEST(Generator, AnExceptionAfterAValueIsAFailureAfterThatValue) {
  auto g = []() -> coflow::generator<char> {
    co_yield 'x';
    throw std::overflow_error("after x");
  }();
  EXPECT_EQ(*g.next(), 'x');
  auto f = g.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::overflow_error>());
  EXPECT_TRUE(g.next().is_done());
}

TEST(Generator, OfReferencesGivesAccessToTheOriginals) {
  std::vector<int> v{1, 2, 3};
  auto refs = [](std::vector<int>& values) -> coflow::generator<int&> {
    for (int& i : values) co_yield i;
  }(v);
  for (auto s = refs.next(); s.has_value(); s = refs.next()) *s *= 2;
  EXPECT_EQ(v, (std::vector<int>{2, 4, 6}));

  auto outer = [](coflow::generator<int&> inner) -> coflow::generator<int> {
    while (int* p = co_await inner) co_yield ++*p;
  }([](std::vector<int>& values) -> coflow::generator<int&> {
    for (int& i : values) co_yield i;
  }(v));
  EXPECT_EQ(coflow::block(std::move(outer)) | coflow::to_vector(), (std::vector<int>{3, 5, 7}));
  EXPECT_EQ(v, (std::vector<int>{3, 5, 7}));
}

TEST(Generator, CoAwaitRethrowsAnUpstreamFailureWhereItCanBeCaught) {
  auto g = []() -> coflow::generator<std::string> {
    auto s = coflow::scripted<int>({1, coflow::failure::make(std::invalid_argument("bad")), 2});
    bool caught = false;
    try {
      while (auto v = co_await s) co_yield std::to_string(*v);
    } catch (const std::invalid_argument&) {
      caught = true;
    }
    if (caught) co_yield "caught";
  }();
  EXPECT_EQ(coflow::block(std::move(g)) | coflow::to_vector(), (std::vector<std::string>{"1", "caught"}));
}

namespace {
// The seed's example: a producer zipping numbers with words (the words cooperate once), and a
// consumer that gives a title first.
coflow::generator<std::string> producer() {
  auto numbers = coflow::from({1, 2, 3});
  auto words = coflow::scripted<std::string>({"one", "two", coflow::cooperate{}, "three"});
  while (auto n = co_await numbers) {
    auto w = co_await words;
    if (!w) break;
    co_yield "(" + std::to_string(*n) + "," + *w + ")";
  }
}
coflow::generator<std::string> consumer() {
  auto title = coflow::just("Title");
  while (auto t = co_await title) co_yield *t;
  auto rows = producer();
  while (auto r = co_await rows) co_yield *r;
}
}  // namespace

TEST(Generator, TheSeedsConsumerGivesTheTitleThenTheProducersRows) {
  std::string out;
  for (const std::string& s : coflow::block(consumer())) out += (out.empty() ? "" : " ") + s;
  EXPECT_EQ(out, "Title (1,one) (2,two) (3,three)");
}

TEST(Generator, ANeverStartedGeneratorRunsNothing) {
  int ran = 0;
  {
    auto g = [](int& runs) -> coflow::generator<int> {
      ++runs;
      co_yield 1;
    }(ran);
  }
  EXPECT_EQ(ran, 0);
}

TEST(Generator, DestroyedWhileSuspendedOnACooperateRunsItsDestructors) {
  counts c;
  {
    auto t = top(c, false);
    EXPECT_EQ(*t.next(), 11);
    EXPECT_TRUE(t.next().is_cooperate());
  }
  EXPECT_EQ(c.bottom, 1);
  EXPECT_EQ(c.middle, 1);
  EXPECT_EQ(c.top, 1);
}

TEST(Generator, AnEmptyGeneratorEndsAtOnce) {
  auto g = []() -> coflow::generator<int> { co_return; }();
  EXPECT_TRUE(g.next().is_done());
  EXPECT_TRUE(g.next().is_done());
}

// What a driver's turn uses: a cooperate comes out of `next_cooperate`, anything else is
// held for the `next()` that follows, which does not resume the body again.
TEST(Generator, NextCooperateGivesCooperatesAndHoldsEverythingElseForNext) {
  int resumed = 0;
  auto g = [](int& r) -> coflow::generator<int> {
    ++r;
    co_yield coflow::cooperate{7ms};
    ++r;
    co_yield 1;
    ++r;
    co_yield coflow::cooperate::park();
  }(resumed);
  coflow::cooperate c;
  ASSERT_TRUE(g.next_cooperate(c));
  EXPECT_EQ(c.timeout(), 7ms);
  EXPECT_FALSE(g.next_cooperate(c));
  EXPECT_EQ(*g.next(), 1);
  EXPECT_EQ(resumed, 2);
  ASSERT_TRUE(g.next_cooperate(c));
  EXPECT_TRUE(c.parked());
  EXPECT_FALSE(g.next_cooperate(c));  // the end, held
  EXPECT_EQ(resumed, 3);
  EXPECT_TRUE(g.next().is_done());
  EXPECT_FALSE(g.next_cooperate(c));
  EXPECT_TRUE(g.next().is_done());
}
