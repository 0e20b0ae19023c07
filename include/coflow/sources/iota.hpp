// coflow/sources/iota.hpp - counting.
#pragma once

#include <concepts>
#include <optional>
#include <string_view>

#include "coflow/core/stage.hpp"

namespace coflow {

/// `iota(first)` counts up forever; `iota(first, last)` gives `first, ..., last - 1`.
template <std::weakly_incrementable I>
class iota_source {
 public:
  using value_type = I;
  static constexpr bool can_cooperate = false;
  static constexpr std::string_view stage_name = "iota";
  using upstreams = decltype(boost::hana::tuple_t<>);

  constexpr explicit iota_source(I first) : i_{first} {}
  constexpr iota_source(I first, I last) : i_{first}, last_{last} {}

  constexpr step<I> next() {
    if (last_ && i_ == *last_) return done;
    I v = i_;
    ++i_;
    return v;
  }

  template <class F>
  constexpr void drive(F&& f) {
    // Written back even when `f` throws: the value it was given is consumed, as with next().
    struct save {
      iota_source& self;
      I i;
      constexpr ~save() { self.i_ = i; }
    } pos{*this, i_};
    if (last_) {
      const I last = *last_;
      while (pos.i != last)
        if (!f(I(pos.i++))) break;
    } else {
      while (f(I(pos.i++))) {
      }
    }
  }

  /// The position as a cursor, for `zip`'s lock-step loop (see `lends_cursor`).
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
