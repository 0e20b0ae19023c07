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
  consumer_type<T> consumer() const {
    if constexpr (std::is_void_v<V>) {
      static_assert(std::constructible_from<std::remove_cvref_t<T>, T>,
                    "coflow::to_vector: the value type cannot be stored in a std::vector "
                    "(it can be neither copied nor moved)");
    } else {
      static_assert(std::constructible_from<V, T>,
                    "coflow::to_vector<V>: the upstream value type cannot be converted to V");
    }
    return {};
  }
};

template <class V = void>
constexpr to_vector_sink<V> to_vector() {
  return {};
}

}  // namespace coflow
