// SPDX-License-Identifier: BSL-1.0
// coflow/sinks/first.hpp - the first value, if any.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>

#include "coflow/sinks/sink.hpp"

namespace coflow {

/// The first value as a `std::optional` (empty when the flow gives none); stops the flow
/// after it.
struct first_sink : sink_base<first_sink> {
  static constexpr std::string_view sink_name = "first";

  template <class T>
  struct consumer_type {
    std::optional<std::remove_cvref_t<T>> out;
    template <class U>
    bool push(U&& v) {
      out.emplace(std::forward<U>(v));
      return false;
    }
    std::optional<std::remove_cvref_t<T>> result() && { return std::move(out); }
  };

  template <class T>
  static constexpr bool accepts() noexcept {
    if constexpr (!std::constructible_from<std::remove_cvref_t<T>, T>) {
      static_assert(detail::always_false<T>,
                    "coflow::first: the value type (T) can be neither copied nor moved");
      return false;
    } else {
      return true;
    }
  }
  template <class T>
  consumer_type<T> consumer() const {
    return {};
  }
};

constexpr first_sink first() {
  return {};
}

}  // namespace coflow
