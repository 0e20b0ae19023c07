// SPDX-License-Identifier: BSL-1.0
// coflow/core/step.hpp - the four outcomes of one pull.
#pragma once

#include <cassert>
#include <memory>
#include <type_traits>
#include <utility>
#include <variant>

#include "coflow/core/cooperate.hpp"
#include "coflow/core/failure.hpp"

namespace coflow {

/// The end of a stage: it will give nothing more.
struct done_t {
  friend constexpr bool operator==(done_t, done_t) noexcept = default;
};
inline constexpr done_t done{};

namespace detail {
// A variant cannot hold a reference; a stage of references (`from(vector&)`) stores a pointer.
template <class T>
struct box {
  T value;
  constexpr T& get() & noexcept { return value; }
  constexpr T&& get() && noexcept { return std::move(value); }
  constexpr const T& get() const& noexcept { return value; }
};
template <class T>
struct box<T&> {
  T* ptr;
  constexpr T& get() const noexcept { return *ptr; }
};
template <class T>
struct box<T&&> {
  T* ptr;
  constexpr T&& get() const noexcept { return std::move(*ptr); }
};
}  // namespace detail

/// What one pull of a stage gives: a value, a `cooperate`, `done`, or a `failure`.
/// `T` may be a reference (a stage over an lvalue container yields references into it).
///
///     coflow::step<int> s = stage.next();
///     if (s.has_value()) use(*s);
///     else if (s.is_cooperate()) wait(s.cooperation());
template <class T>
class step {
  using storage = std::variant<detail::box<T>, cooperate, done_t, failure>;

 public:
  using value_type = T;

  template <class U>
    requires(!std::is_reference_v<T> && std::is_constructible_v<T, U &&> &&
             !std::is_same_v<std::remove_cvref_t<U>, step> &&
             !std::is_same_v<std::remove_cvref_t<U>, cooperate> &&
             !std::is_same_v<std::remove_cvref_t<U>, done_t> &&
             !std::is_same_v<std::remove_cvref_t<U>, failure>)
  constexpr step(U&& v)  // NOLINT: implicit, a value is a step
      : s_{std::in_place_index<0>, detail::box<T>{T(std::forward<U>(v))}} {}

  template <class U>
    requires(std::is_lvalue_reference_v<T> && std::is_convertible_v<U*, std::remove_reference_t<T>*>)
  constexpr step(U& v) noexcept  // NOLINT
      : s_{std::in_place_index<0>, detail::box<T>{std::addressof(v)}} {}

  template <class U>
    requires(std::is_rvalue_reference_v<T> && !std::is_lvalue_reference_v<U> &&
             std::is_convertible_v<std::remove_reference_t<U>*, std::remove_reference_t<T>*>)
  constexpr step(U&& v) noexcept  // NOLINT
      : s_{std::in_place_index<0>, detail::box<T>{std::addressof(v)}} {}

  constexpr step(cooperate c) noexcept : s_{std::in_place_index<1>, c} {}  // NOLINT
  constexpr step(done_t) noexcept : s_{std::in_place_index<2>} {}          // NOLINT
  step(failure f) noexcept : s_{std::in_place_index<3>, std::move(f)} {}   // NOLINT

  template <class... A>
  constexpr explicit step(std::in_place_t, A&&... a)
    requires(!std::is_reference_v<T>)
      : s_{std::in_place_index<0>, detail::box<T>{T(std::forward<A>(a)...)}} {}

  [[nodiscard]] constexpr bool has_value() const noexcept { return s_.index() == 0; }
  [[nodiscard]] constexpr bool is_cooperate() const noexcept { return s_.index() == 1; }
  [[nodiscard]] constexpr bool is_done() const noexcept { return s_.index() == 2; }
  [[nodiscard]] constexpr bool is_failure() const noexcept { return s_.index() == 3; }

  /// The value; only when `has_value()`.
  constexpr decltype(auto) operator*() & noexcept { return std::get<0>(s_).get(); }
  constexpr decltype(auto) operator*() const& noexcept { return std::get<0>(s_).get(); }
  constexpr decltype(auto) operator*() && noexcept { return std::get<0>(std::move(s_)).get(); }
  constexpr auto* operator->() noexcept { return std::addressof(std::get<0>(s_).get()); }

  [[nodiscard]] constexpr cooperate cooperation() const noexcept { return std::get<1>(s_); }
  [[nodiscard]] const failure& error() const& noexcept { return std::get<3>(s_); }
  [[nodiscard]] failure&& error() && noexcept { return std::get<3>(std::move(s_)); }

  /// Re-labels a non-value step (cooperate, done, failure) for a stage of another value type.
  template <class U>
  [[nodiscard]] step<U> forward_signal() && {
    assert(!has_value());
    switch (s_.index()) {
      case 1: return std::get<1>(s_);
      case 2: return done;
      default: return std::get<3>(std::move(s_));
    }
  }

  /// The underlying variant, for `std::visit`.
  [[nodiscard]] constexpr const storage& as_variant() const noexcept { return s_; }

 private:
  storage s_;
};

}  // namespace coflow
