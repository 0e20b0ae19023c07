// SPDX-License-Identifier: BSL-1.0
// coflow/sinks/fold.hpp - reduce the values to one.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/sinks/sink.hpp"

namespace coflow {

/// `acc = f(std::move(acc), value)` for every value; gives `acc`.
///
///     auto sum = coflow::iota(1, 11) | coflow::fold(0, std::plus<>{});  // 55
template <class Acc, class F>
struct fold_sink : sink_base<fold_sink<Acc, F>> {
  static constexpr std::string_view sink_name = "fold";
  Acc init;
  F f;

  template <class T>
  struct consumer_type {
    Acc acc;
    F f;
    template <class U>
    bool push(U&& v) {
      acc = f(std::move(acc), std::forward<U>(v));
      return true;
    }
    Acc result() && { return std::move(acc); }
  };

  template <class T>
  static constexpr bool accepts() noexcept {
    if constexpr (!std::is_invocable_v<F&, Acc, T>) {
      static_assert(detail::always_false<F, Acc, T>,
                    "coflow::fold: the function (F) cannot be called with (accumulator, upstream value) "
                    "of types (Acc, T)");
      return false;
    } else if constexpr (!std::is_assignable_v<Acc&, std::invoke_result_t<F&, Acc, T>>) {
      // `acc = f(...)` needs only assignability (std::assignable_from would also ask for a
      // common reference, and report its absence as a second error).
      static_assert(detail::always_false<Acc, std::invoke_result_t<F&, Acc, T>>,
                    "coflow::fold: the function's result cannot be assigned to the accumulator (Acc)");
      return false;
    } else {
      return true;
    }
  }
  template <class T>
  consumer_type<T> consumer() && {
    return {std::move(init), std::move(f)};
  }
  template <class T>
  consumer_type<T> consumer() const& {
    return {init, f};
  }
};

template <class Acc, class F>
constexpr auto fold(Acc init, F f) {
  return fold_sink<Acc, F>{{}, std::move(init), std::move(f)};
}

}  // namespace coflow
