// SPDX-License-Identifier: BSL-1.0
// coflow/sources/just.hpp - a stage of one value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/stage.hpp"
#include "coflow/sources/cursor_source.hpp"

namespace coflow {

/// A stage that gives `value` once, then ends.
template <class T>
class just_source : public cursor_source<just_source<T>> {
 public:
  using value_type = T;
  static constexpr std::string_view stage_name = "just";

  explicit just_source(T v) : value_{std::move(v)} {}

  /// The position as a cursor (see `lends_cursor`): whether the value is still to come.
  struct cursor {
    bool ahead;
  };
  cursor lend_cursor() const noexcept { return cursor{value_.has_value()}; }
  bool at_end(const cursor& c) const noexcept { return !c.ahead; }
  T read(const cursor&) { return std::move(*value_); }
  static void advance(cursor& c) noexcept { c.ahead = false; }
  void take_back(const cursor& c) noexcept {
    if (!c.ahead) value_.reset();
  }

 private:
  std::optional<T> value_;
};

namespace detail {
template <class T>
using just_value_t =
    std::conditional_t<std::is_convertible_v<const std::remove_cvref_t<T>&, std::string_view> &&
                           !std::is_class_v<std::remove_cvref_t<T>>,
                       std::string, std::decay_t<T>>;  // a string literal becomes a std::string
}

struct just_fn {
  /// `just(x)`: one value. `just("text")` gives one `std::string`.
  template <class T>
  constexpr auto operator()(T&& v) const {
    using V = detail::just_value_t<T>;
    return just_source<V>{V(std::forward<T>(v))};
  }
};

inline constexpr just_fn just{};

}  // namespace coflow
