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
///
/// Lines are cut out of the chunk in place: a chunk the upstream gives by value is moved in,
/// not copied, and only the text of a line that spans chunks is copied (into a buffer that
/// keeps its capacity). With `Views` (`line_break_views`) each line is a `std::string_view`
/// into that chunk or buffer, valid until the next pull of this stage (or until the stage
/// is moved or destroyed); otherwise each line is a new `std::string`.
template <stage S, bool Views = false>
class line_break_stage : public stage_base<S> {
  using up_value = value_t<S>;
  // A chunk given by reference (or as a view, a pointer) lives in the upstream until its
  // next pull: a view of it is enough. One given by value is kept here.
  using held_type =
      std::conditional_t<std::is_reference_v<up_value> || std::is_trivially_copyable_v<up_value>,
                         std::string_view, std::remove_cvref_t<up_value>>;

 public:
  using value_type = std::conditional_t<Views, std::string_view, std::string>;
  static constexpr std::size_t buffer_bound = detail::add_bounds(buffer_bound_v<S>, 1);
  static constexpr std::string_view stage_name = Views ? "line_break_views" : "line_break";

  line_break_stage(S up, char delim, std::size_t max_len, bool trailer)
      : up_{std::move(up)}, delim_{delim}, max_len_{max_len}, trailer_{trailer} {}

  step<value_type> next() {
    if (ended_) return done;
    if (carry_given_) {
      carry_.clear();  // the line given from it last time is no longer in use
      carry_given_ = false;
    }
    for (;;) {
      const std::string_view rest = chunk().substr(pos_);
      const std::size_t at = rest.find(delim_);
      searched_ += at == std::string_view::npos ? rest.size() : at + 1;
      if (at != std::string_view::npos) {
        if (carry_.size() + at > max_len_) return fail_too_long();
        pos_ += at + 1;
        return line(rest.substr(0, at));
      }
      if (carry_.size() + rest.size() > max_len_) return fail_too_long();
      carry_.append(rest);  // the unfinished line, before the chunk it is in goes
      pos_ += rest.size();

      step<up_value> s = up_.next();
      if (s.has_value()) {
        held_ = held_type(*std::move(s));
        pos_ = 0;
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

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return line_break_stage<detail::rebuilt_t<F, S>, Views>{f(std::move(up_)), delim_, max_len_, trailer_};
  }

 private:
  std::string_view chunk() const noexcept { return std::string_view(held_); }

  // The line that ends at the delimiter just found: `tail`, after what `carry_` holds of it.
  step<value_type> line(std::string_view tail) {
    ++line_;
    if (carry_.empty()) return value_type(tail);
    carry_.append(tail);
    return take_carry();
  }

  // The line that `carry_` holds: a view of it (cleared at the next pull), or the string.
  step<value_type> take_carry() {
    if constexpr (Views) {
      carry_given_ = true;
      return std::string_view(carry_);
    } else {
      return std::exchange(carry_, std::string{});
    }
  }

  step<value_type> fail_too_long() {
    ended_ = true;
    return failure::make(std::length_error("coflow::line_break: line " + std::to_string(line_ + 1) +
                                           " is longer than " + std::to_string(max_len_) + " bytes"));
  }

  step<value_type> finish() {
    std::size_t left = carry_.size();
    if (left == 0) return done;
    if (trailer_) return take_carry();
    return failure::make(std::runtime_error("coflow::line_break: the text ends with " + std::to_string(left) +
                                            " bytes without a line break (line " + std::to_string(line_ + 1) +
                                            "); pass trailer = true to accept a last line without one"));
  }

  S up_;
  char delim_;
  std::size_t max_len_;
  bool trailer_;
  held_type held_{};          // the chunk being cut
  std::size_t pos_ = 0;       // where the rest of held_ begins
  std::string carry_;         // the start of a line that spans chunks
  bool carry_given_ = false;  // a view of carry_ was the last line
  std::size_t searched_ = 0;  // bytes_searched()
  std::size_t line_ = 0;      // lines given so far
  bool ended_ = false;
};

template <bool Views>
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
      return line_break_stage<U, Views>{std::forward<S>(up), delim, max_len, trailer};
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
inline constexpr line_break_fn<false> line_break{};

/// `chunks | coflow::line_break_views()`: the same lines as `line_break`, as `std::string_view`s
/// into the stage's chunk, each valid until the next pull of the stage: no string is made
/// per line. Use a line before pulling the next one (or copy it); a sink such as
/// `to_vector` that keeps the values needs `line_break`.
///
///     std::size_t n = 0;
///     chunks | coflow::line_break_views() | coflow::for_each([&](std::string_view l) { n += l.size(); });
inline constexpr line_break_fn<true> line_break_views{};

}  // namespace coflow
