// SPDX-License-Identifier: BSL-1.0
// coflow/sources/iota.hpp - counting.
#pragma once

#include <concepts>
#include <optional>
#include <string_view>

#include "coflow/core/stage.hpp"
#include "coflow/sources/cursor_source.hpp"

namespace coflow {

/// `iota(first)` counts up forever; `iota(first, last)` gives `first, ..., last - 1`.
template <std::weakly_incrementable I>
class iota_source : public cursor_source<iota_source<I>> {
 public:
  using value_type = I;
  static constexpr std::string_view stage_name = "iota";

  constexpr explicit iota_source(I first) : i_{first} {}
  constexpr iota_source(I first, I last) : i_{first}, last_{last} {}

  /// The position as a cursor (see `lends_cursor`).
  struct cursor {
    I i;
  };
  constexpr cursor lend_cursor() const { return cursor{i_}; }
  constexpr bool at_end(const cursor& c) const { return last_ && c.i == *last_; }
  constexpr I read(const cursor& c) const { return c.i; }
  static constexpr void advance(cursor& c) { ++c.i; }
  constexpr void take_back(const cursor& c) { i_ = c.i; }

 private:
  I i_;
  std::optional<I> last_;
};

struct iota_fn {
  template <std::weakly_incrementable I>
  constexpr auto operator()(I first) const {
    return iota_source<I>{first};
  }
  template <std::weakly_incrementable I, class J>
    requires std::convertible_to<J, I>
  constexpr auto operator()(I first, J last) const {
    return iota_source<I>{first, static_cast<I>(last)};
  }
};

inline constexpr iota_fn iota{};

}  // namespace coflow
