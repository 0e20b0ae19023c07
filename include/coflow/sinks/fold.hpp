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
  auto consumer() && {
    if constexpr (!check<T>())
      return detail::ill_formed{};
    else
      return consumer_type<T>{std::move(init), std::move(f)};
  }
  template <class T>
  auto consumer() const& {
    if constexpr (!check<T>())
      return detail::ill_formed{};
    else
      return consumer_type<T>{init, f};
  }

 private:
  template <class T>
  static constexpr bool check() {
    if constexpr (!std::invocable<F&, Acc, T>) {
      static_assert(std::invocable<F&, Acc, T>,
                    "coflow::fold: the function cannot be called with (accumulator, upstream value)");
      return false;
    } else {
      // `acc = f(...)` needs only assignability (std::assignable_from would also ask for a
      // common reference, and report its absence as a second error).
      static_assert(std::is_assignable_v<Acc&, std::invoke_result_t<F&, Acc, T>>,
                    "coflow::fold: the function's result cannot be assigned to the accumulator");
      return std::is_assignable_v<Acc&, std::invoke_result_t<F&, Acc, T>>;
    }
  }
};

template <class Acc, class F>
constexpr auto fold(Acc init, F f) {
  return fold_sink<Acc, F>{{}, std::move(init), std::move(f)};
}

}  // namespace coflow
