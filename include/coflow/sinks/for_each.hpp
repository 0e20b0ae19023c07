// SPDX-License-Identifier: BSL-1.0
// coflow/sinks/for_each.hpp - call a function with every value.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/detail/invoke.hpp"
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
      using result = detail::invoke_unpacked_result_t<F&, U&&>;
      if constexpr (std::is_convertible_v<result, bool> && !std::is_void_v<result>)
        return static_cast<bool>(detail::invoke_unpacked(f, std::forward<U>(v)));
      else {
        detail::invoke_unpacked(f, std::forward<U>(v));
        return true;
      }
    }
    void result() && {}
  };

  template <class T>
  static constexpr bool accepts() noexcept {
    if constexpr (!detail::invocable_unpacked_v<F&, T>) {
      static_assert(detail::always_false<F, T>,
                    "coflow::for_each: the function (F) cannot be called with the upstream value type (T), "
                    "nor with its elements when T is a tuple");
      return false;
    } else {
      return true;
    }
  }
  template <class T>
  consumer_type<T> consumer() && {
    return {std::move(f)};
  }
  template <class T>
  consumer_type<T> consumer() const& {
    return {f};
  }
};

template <class F>
constexpr auto for_each(F f) {
  return for_each_sink<F>{{}, std::move(f)};
}

}  // namespace coflow
