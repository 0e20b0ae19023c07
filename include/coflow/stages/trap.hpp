// SPDX-License-Identifier: BSL-1.0
// coflow/stages/trap.hpp - turn chosen failures into values.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// The stage `upstream | trap<E...>()`: values pass as `std::variant<V, failure>` (index 0);
/// a failure whose exception is one of `E...` (or derives from one) becomes a value
/// (index 1), after which the stream ends, as the upstream cannot go on after a failure.
/// Other failures pass as failures. Twisted's trap list: `wrap(src, ZeroDivisionError)`.
///
/// A variant cannot hold a reference: an upstream of references gives copies.
/// `trap` offers no `drive`: it must see failures as values, so a graph with it is pulled.
template <stage S, class... E>
class trap_stage : public stage_base<S> {
 public:
  using value_type = std::variant<stored_value_t<S>, failure>;
  static constexpr std::string_view stage_name = "trap";

  explicit trap_stage(S up) : up_{std::move(up)} {}

  step<value_type> next() {
    if (ended_) return done;
    step<value_t<S>> s = up_.next();
    if (s.has_value()) return step<value_type>{std::in_place, std::in_place_index<0>, *std::move(s)};
    if (s.is_failure() && (s.error().template is<E>() || ...)) {
      ended_ = true;
      return step<value_type>{std::in_place, std::in_place_index<1>, std::move(s).error()};
    }
    if (!s.is_cooperate()) ended_ = true;
    return std::move(s).template forward_signal<value_type>();
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return trap_stage<detail::rebuilt_t<F, S>, E...>{f(std::move(up_))};
  }

 private:
  S up_;
  bool ended_ = false;
};

namespace detail {
template <class... E>
struct trap_fn {
  template <class S>
  static constexpr auto apply(S&& up) {
    return trap_stage<std::remove_cvref_t<S>, E...>{std::forward<S>(up)};
  }
};
}  // namespace detail

/// `src | coflow::trap<E...>()`: failures of the exception types `E...` become values.
///
///     for (auto& v : coflow::block(src | coflow::trap<std::out_of_range>()))
///       if (auto* f = std::get_if<coflow::failure>(&v)) log(f->message());
///
/// Each `E` must be a class type (a std::exception or any other class that is thrown);
/// non-class types (`int`, `const char*`), references and cv-qualified types are refused at
/// compile time: they are nearly always a mistake for an exception class.
template <class... E>
constexpr auto trap() {
  if constexpr (sizeof...(E) == 0) {
    static_assert(detail::always_false<E...>,
                  "coflow::trap: name at least one exception type, as in trap<std::runtime_error>()");
    return detail::ill_formed{};
  } else if constexpr (!((std::is_class_v<E> && !std::is_const_v<E> && !std::is_volatile_v<E>)&&...)) {
    static_assert(detail::always_false<E...>,
                  "coflow::trap: each trapped type must be an exception class type (such as "
                  "std::runtime_error), not a reference, a cv-qualified, a pointer or a fundamental type");
    return detail::ill_formed{};
  } else {
    return make_closure<detail::trap_fn<E...>>();
  }
}

}  // namespace coflow
