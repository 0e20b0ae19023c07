// coflow/sources/just.hpp - a stage of one value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/stage.hpp"

namespace coflow {

/// A stage that gives `value` once, then ends.
template <class T>
class just_source {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = false;
  static constexpr std::string_view stage_name = "just";
  using upstreams = decltype(boost::hana::tuple_t<>);

  explicit just_source(T v) : value_{std::move(v)} {}

  step<T> next() {
    if (!value_) return done;
    step<T> s{std::move(*value_)};
    value_.reset();
    return s;
  }

  template <class F>
  void drive(F&& f) {
    if (!value_) return;
    T v = std::move(*value_);
    value_.reset();
    f(std::move(v));
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
