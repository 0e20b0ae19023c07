// SPDX-License-Identifier: BSL-1.0
// coflow/stages/line_break.hpp - split text chunks into lines.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// The stage `upstream | line_break(delim, max_len, trailer)`: the text of the upstream's
/// chunks (anything convertible to `std::string_view`), cut into lines at `delim`; the
/// delimiter is not part of the line. Twisted's `LineBreak`.
///
/// - Memory is bounded: a line longer than `max_len` bytes is a failure
///   (`std::length_error`, "coflow::line_break: line 3 is longer than 16 bytes"), found as
///   soon as the pending text passes the limit. The stage holds at most `max_len` bytes of
///   an unfinished line plus the chunk being cut.
/// - Text after the last delimiter is a failure (`std::runtime_error`) unless `trailer` is
///   true; then it is the last line.
/// - A cooperate or a failure of the upstream passes through; the unfinished line is kept
///   across a cooperate.
template <stage S>
class line_break_stage : public stage_base<S> {
 public:
  using value_type = std::string;
  static constexpr std::size_t buffer_bound = detail::add_bounds(buffer_bound_v<S>, 1);
  static constexpr std::string_view stage_name = "line_break";

  line_break_stage(S up, char delim, std::size_t max_len, bool trailer)
      : up_{std::move(up)}, delim_{delim}, max_len_{max_len}, trailer_{trailer} {}

  step<value_type> next() {
    if (ended_) return done;
    for (;;) {
      const std::size_t at = find_delimiter();
      if (at != std::string::npos) {
        if (at - start_ > max_len_) return fail_too_long();
        std::string line = text_.substr(start_, at - start_);
        start_ = at + 1;
        ++line_;
        return line;
      }
      if (text_.size() - start_ > max_len_) return fail_too_long();

      step<value_t<S>> s = up_.next();
      if (s.has_value()) {
        append(*s);
        continue;
      }
      if (s.is_cooperate()) return s.cooperation();
      ended_ = true;
      if (s.is_failure()) return std::move(s).error();
      return finish();
    }
  }

  /// Bytes the delimiter search has looked at so far: each byte of text once, however the
  /// text was cut into chunks (a long line fed in small chunks is not searched again).
  [[nodiscard]] std::size_t bytes_searched() const noexcept { return searched_; }

 private:
  // Searches only the bytes no earlier search has seen: those before searched_to_ hold no
  // delimiter, so the cost is linear in the text however it was chunked.
  std::size_t find_delimiter() noexcept {
    const std::size_t first = std::max(start_, searched_to_);
    const std::size_t at = text_.find(delim_, first);
    searched_to_ = at == std::string::npos ? text_.size() : at + 1;
    searched_ += searched_to_ - first;
    return at;
  }

  // Keeps only the unfinished line, then adds the chunk after it.
  void append(std::string_view piece) {
    text_.erase(0, start_);
    searched_to_ -= std::min(searched_to_, start_);
    start_ = 0;
    text_.append(piece);
  }

  step<value_type> fail_too_long() {
    ended_ = true;
    return failure::make(std::length_error("coflow::line_break: line " + std::to_string(line_ + 1) +
                                           " is longer than " + std::to_string(max_len_) + " bytes"));
  }

  step<value_type> finish() {
    std::size_t left = text_.size() - start_;
    if (left == 0) return done;
    if (trailer_) return text_.substr(start_);
    return failure::make(std::runtime_error("coflow::line_break: the text ends with " + std::to_string(left) +
                                            " bytes without a line break (line " + std::to_string(line_ + 1) +
                                            "); pass trailer = true to accept a last line without one"));
  }

  S up_;
  char delim_;
  std::size_t max_len_;
  bool trailer_;
  std::string text_;             // the unfinished line, then the rest of the chunk being cut
  std::size_t start_ = 0;        // where the next line begins in text_
  std::size_t searched_to_ = 0;  // text_ before this holds no delimiter after start_
  std::size_t searched_ = 0;     // bytes_searched()
  std::size_t line_ = 0;         // lines given so far
  bool ended_ = false;
};

struct line_break_fn {
  /// 64 KiB: longer lines are a failure unless a larger limit is given.
  static constexpr std::size_t default_max_len = 64 * 1024;

  template <class S>
  static constexpr auto apply(S&& up, char delim, std::size_t max_len, bool trailer) {
    using U = std::remove_cvref_t<S>;
    if constexpr (!std::is_convertible_v<value_t<U>, std::string_view>) {
      static_assert(detail::always_false<S>,
                    "coflow::line_break: the upstream value type is not text (it does not convert "
                    "to std::string_view)");
      return detail::ill_formed{};
    } else {
      return line_break_stage<U>{std::forward<S>(up), delim, max_len, trailer};
    }
  }

  constexpr auto operator()(char delim = '\n', std::size_t max_len = default_max_len,
                            bool trailer = false) const {
    return make_closure<line_break_fn>(delim, max_len, trailer);
  }
};

/// `chunks | coflow::line_break()`: lines (`std::string`) cut at '\n'.
///
///     auto lines = coflow::from(std::vector<std::string>{"Hello ", "World\nHi\n"})
///                  | coflow::line_break('\n', 1024) | coflow::to_vector();  // {"Hello World", "Hi"}
inline constexpr line_break_fn line_break{};

}  // namespace coflow
