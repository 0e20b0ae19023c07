// SPDX-License-Identifier: BSL-1.0
// coflow/sinks/for_each.hpp - call a function with every value.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/sinks/sink.hpp"

namespace coflow {

/// Calls `f(value)` for every value. If `f` returns `bool`, `false` stops the flow early.
template <class F>
struct for_each_sink : sink_base<for_each_sink<F>> {
  static constexpr std::string_view sink_name = "for_each";
  F f;

  template <class T>
  struct consumer_type {
    F f;
    template <class U>
    bool push(U&& v) {
      if constexpr (std::is_convertible_v<std::invoke_result_t<F&, U&&>, bool> &&
                    !std::is_void_v<std::invoke_result_t<F&, U&&>>)
        return static_cast<bool>(f(std::forward<U>(v)));
      else {
        f(std::forward<U>(v));
        return true;
      }
    }
    void result() && {}
  };

  template <class T>
  auto consumer() && {
    if constexpr (!check<T>())
      return detail::ill_formed{};
    else
      return consumer_type<T>{std::move(f)};
  }
  template <class T>
  auto consumer() const& {
    if constexpr (!check<T>())
      return detail::ill_formed{};
    else
      return consumer_type<T>{f};
  }

 private:
  template <class T>
  static constexpr bool check() {
    static_assert(std::invocable<F&, T>,
                  "coflow::for_each: the function cannot be called with the upstream value type");
    return std::invocable<F&, T>;
  }
};

template <class F>
constexpr auto for_each(F f) {
  return for_each_sink<F>{{}, std::move(f)};
}

}  // namespace coflow
