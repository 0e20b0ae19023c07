// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using coflow::cooperate;
using strings = std::vector<std::string>;

namespace {
template <class S>
strings lines_of(S&& s) {
  strings out;
  for (auto& l : coflow::block(std::forward<S>(s))) out.push_back(l);
  return out;
}
}  // namespace

TEST(LineBreak, JoinsChunksIntoLinesAcrossACooperate) {
  auto lines =
      coflow::scripted<std::string>({"Hello ", "World\nHappy", cooperate{}, " Days", " Are Here\n"}) |
      coflow::line_break('\n');
  EXPECT_EQ(lines_of(std::move(lines)), (strings{"Hello World", "Happy Days Are Here"}));
}

TEST(LineBreak, CutsSeveralLinesFromOneChunkAndKeepsEmptyLines) {
  auto lines = std::vector<std::string_view>{"a;b;;c", ";"} | coflow::line_break(';') | coflow::to_vector();
  EXPECT_EQ(lines, (strings{"a", "b", "", "c"}));
}

TEST(LineBreak, ALineLongerThanTheLimitIsAFailureNamingTheLine) {
  auto s =
      std::vector<std::string>{"short\nok\n", "0123456789", "0123456789\n"} | coflow::line_break('\n', 16);
  EXPECT_EQ(*s.next(), "short");
  EXPECT_EQ(*s.next(), "ok");
  auto f = s.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::length_error>());
  EXPECT_EQ(f.error().message(), "coflow::line_break: line 3 is longer than 16 bytes");
  EXPECT_TRUE(s.next().is_done());
}

TEST(LineBreak, AnOverlongLineFailsBeforeItsDelimiterArrives) {
  // An endless line without delimiter: the failure comes once the limit is passed, so the
  // stage does not buffer the whole stream.
  std::size_t pulled = 0;
  auto endless = coflow::iota(0) | coflow::map([&](int) {
                   ++pulled;
                   return std::string(10, 'x');
                 });
  auto s = std::move(endless) | coflow::line_break('\n', 100);
  EXPECT_THROW(lines_of(std::move(s)), std::length_error);
  EXPECT_EQ(pulled, 11u);

  auto exact = std::vector<std::string>{std::string(16, 'y') + "\n"} | coflow::line_break('\n', 16) |
               coflow::to_vector();
  EXPECT_EQ(exact, strings{std::string(16, 'y')});
}

TEST(LineBreak, TrailingTextIsAFailureUnlessATrailerIsAllowed) {
  auto strict = std::vector<std::string>{"one\ntw", "o"} | coflow::line_break();
  EXPECT_EQ(*strict.next(), "one");
  auto f = strict.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::runtime_error>());
  EXPECT_NE(f.error().message().find(
                "coflow::line_break: the text ends with 3 bytes without a line break (line 2)"),
            std::string::npos)
      << f.error().message();

  auto lenient =
      std::vector<std::string>{"one\ntw", "o"} | coflow::line_break('\n', 1024, true) | coflow::to_vector();
  EXPECT_EQ(lenient, (strings{"one", "two"}));

  // Text that ends with the delimiter has no trailer to complain about.
  EXPECT_EQ(std::vector<std::string>{"x\n"} | coflow::line_break() | coflow::to_vector(), strings{"x"});
}

TEST(LineBreak, ForwardsUpstreamFailures) {
  auto s = coflow::scripted<std::string>({"a\nb", coflow::failure::make(std::ios_base::failure("read"))}) |
           coflow::line_break();
  EXPECT_EQ(*s.next(), "a");
  auto f = s.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_TRUE(f.error().is<std::ios_base::failure>());
}

TEST(LineBreak, AcceptsAnyTextValueType) {
  auto lines = std::vector<const char*>{"p\nq", "\n"} | coflow::line_break() | coflow::to_vector();
  EXPECT_EQ(lines, (strings{"p", "q"}));
}

TEST(LineBreak, StaticProperties) {
  using plain = decltype(std::vector<std::string>{} | coflow::line_break());
  using coop = decltype(coflow::scripted<std::string>({}) | coflow::line_break());
  static_assert(!coflow::can_cooperate_v<plain>);
  static_assert(coflow::can_cooperate_v<coop>);
  static_assert(std::is_same_v<plain::value_type, std::string>);
  static_assert(plain::stage_name == "line_break");
  SUCCEED();
}

// A long line fed in small chunks once made every chunk rescan the whole unfinished line
// (quadratic work). Each byte is now searched once: the count is the work, not a timing.
TEST(LineBreak, SearchesEachByteOnceWhenALongLineComesByteByByte) {
  constexpr int n = 1 << 20;  // a 1 MiB line, one byte per chunk, then its delimiter
  auto lines = coflow::iota(0, n + 1) |
               coflow::map([](int i) { return std::string_view{i < n ? "x" : "\n"}; }) |
               coflow::line_break('\n', 2 * n);
  auto line = lines.next();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->size(), std::size_t{n});
  EXPECT_TRUE(lines.next().is_done());
  EXPECT_LE(lines.bytes_searched(), std::size_t{n} + 1);

  // Many short lines, chunks that end inside lines: still once per byte.
  auto many = std::vector<std::string_view>{"ab", "c\nd", "e\nf\n", "gh", "\n"} | coflow::line_break('\n');
  strings got;
  for (auto s = many.next(); s.has_value(); s = many.next()) got.push_back(*s);
  EXPECT_EQ(got, (strings{"abc", "de", "f", "gh"}));
  EXPECT_EQ(many.bytes_searched(), std::size_t{12});
}

namespace {
// Every line of `s`, each copied as soon as it is given (a view is valid until the next pull).
template <class S>
strings copied_lines(S& s) {
  strings out;
  for (auto l = s.next(); l.has_value(); l = s.next()) out.emplace_back(*l);
  return out;
}
}  // namespace

TEST(LineBreak, ViewsGiveTheLinesOfTheOwningModeHoweverTheTextIsCut) {
  const std::string text = "alpha\n\nbe\ngamma delta epsilon\nz\nlast";
  for (std::size_t width = 1; width <= text.size(); ++width) {
    std::vector<std::string> chunks;
    for (std::size_t i = 0; i < text.size(); i += width) chunks.push_back(text.substr(i, width));
    auto owning = chunks | coflow::line_break('\n', 64, true);
    auto views = chunks | coflow::line_break_views('\n', 64, true);
    const strings expected{"alpha", "", "be", "gamma delta epsilon", "z", "last"};
    EXPECT_EQ(copied_lines(owning), expected) << "width " << width;
    EXPECT_EQ(copied_lines(views), expected) << "width " << width;
    EXPECT_EQ(views.bytes_searched(), text.size());
  }
}

TEST(LineBreak, ViewsPointIntoTheChunkAChunkGivenByValueIsMovedNotCopied) {
  // Chunks longer than any short-string buffer, made by the upstream: the stage keeps each
  // one it is given and cuts its lines in place.
  std::vector<const char*> made;
  auto s = coflow::iota(0, 2) | coflow::map([&](int i) {
             std::string c = i == 0 ? "first line of many words\nsecond line, also long\n" : "third\n";
             made.push_back(c.data());
             return c;
           }) |
           coflow::line_break_views();
  auto a = s.next();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, "first line of many words");
  EXPECT_EQ(a->data(), made.at(0));
  auto b = s.next();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->data(), made.at(0) + 25);
  EXPECT_EQ(*s.next(), "third");
  EXPECT_TRUE(s.next().is_done());
}

TEST(LineBreak, ViewsKeepTheLimitAndTheTrailerRulesAndPassCooperates) {
  auto long_line = std::vector<std::string>{"ok\n0123", "456789\n"} | coflow::line_break_views('\n', 8);
  EXPECT_EQ(*long_line.next(), "ok");
  auto f = long_line.next();
  ASSERT_TRUE(f.is_failure());
  EXPECT_EQ(f.error().message(), "coflow::line_break: line 2 is longer than 8 bytes");

  auto no_trailer = std::vector<std::string>{"a\nb"} | coflow::line_break_views();
  EXPECT_EQ(*no_trailer.next(), "a");
  EXPECT_TRUE(no_trailer.next().is_failure());

  auto coop = coflow::scripted<std::string>({"Hel", cooperate{}, "lo\nWorld\n"}) | coflow::line_break_views();
  EXPECT_TRUE(coop.next().is_cooperate());
  EXPECT_EQ(copied_lines(coop), (strings{"Hello", "World"}));
  static_assert(std::is_same_v<decltype(coop)::value_type, std::string_view>);
  static_assert(decltype(coop)::stage_name == "line_break_views");
}
