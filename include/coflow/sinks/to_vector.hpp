// SPDX-License-Identifier: BSL-1.0
// coflow/sinks/to_vector.hpp - collect every value.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>
#include <vector>

#include "coflow/sinks/sink.hpp"

namespace coflow {

/// Collects the values into a `std::vector` (of `V` if given, else of the decayed value type).
///
///     std::vector<int> v = coflow::from({1, 2, 3}) | coflow::to_vector();
template <class V = void>
struct to_vector_sink : sink_base<to_vector_sink<V>> {
  static constexpr std::string_view sink_name = "to_vector";

  template <class T>
  struct consumer_type {
    using element = std::conditional_t<std::is_void_v<V>, std::remove_cvref_t<T>, V>;
    std::vector<element> out;
    template <class U>
    bool push(U&& v) {
      out.emplace_back(std::forward<U>(v));
      return true;
    }
    std::vector<element> result() && { return std::move(out); }
  };

  template <class T>
  static constexpr bool accepts() noexcept {
    if constexpr (std::is_void_v<V> && !std::constructible_from<std::remove_cvref_t<T>, T>) {
      static_assert(detail::always_false<T>,
                    "coflow::to_vector: the value type (T) cannot be stored in a std::vector "
                    "(it can be neither copied nor moved)");
      return false;
    } else if constexpr (!std::is_void_v<V> && !std::constructible_from<V, T>) {
      static_assert(detail::always_false<T, V>,
                    "coflow::to_vector<V>: the upstream value type (T) cannot be converted to V");
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

template <class V = void>
constexpr to_vector_sink<V> to_vector() {
  return {};
}

}  // namespace coflow
