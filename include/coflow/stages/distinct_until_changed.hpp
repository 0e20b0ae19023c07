// SPDX-License-Identifier: BSL-1.0
// coflow/stages/distinct_until_changed.hpp - leave out a value equal to the one before it.
#pragma once

#include <concepts>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <class Key, class V>
using distinct_key_t = std::remove_cvref_t<invoke_unpacked_result_t<Key&, const std::remove_reference_t<V>&>>;

template <stage S, class Key>
struct distinct_until_changed_core {
  using value_type = value_t<S>;
  static constexpr std::string_view stage_name = "distinct_until_changed";
  Key key;
  std::optional<distinct_key_t<Key, value_t<S>>> last{};

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    auto k = detail::invoke_unpacked(key, std::as_const(v));
    if (last && *last == k) return true;
    last.emplace(std::move(k));
    return emit(std::forward<V>(v));
  }
};
}  // namespace detail

/// The stage `upstream | distinct_until_changed(key)`: the values whose `key(v)` differs from
/// the previous value's (RxCpp's `distinct_until_changed`, `uniq` without sorting). The key
/// is the value itself by default; the stage keeps a copy of the last key.
template <stage S, class Key = std::identity>
using distinct_until_changed_stage = adapted_stage<S, detail::distinct_until_changed_core<S, Key>>;

struct distinct_until_changed_fn {
  template <class S, class K>
  static constexpr auto apply(S&& up, K&& k) {
    using U = std::remove_cvref_t<S>;
    using Key = std::remove_cvref_t<K>;
    using arg = const std::remove_reference_t<value_t<U>>&;
    if constexpr (!detail::invocable_unpacked_v<Key&, arg>) {
      static_assert(
          detail::always_false<Key>,
          "coflow::distinct_until_changed: the key function cannot be called with the upstream value type, "
          "nor with its elements when it is a tuple");
      return detail::ill_formed{};
    } else if constexpr (!std::equality_comparable<detail::distinct_key_t<Key, value_t<U>>>) {
      static_assert(
          detail::always_false<Key>,
          "coflow::distinct_until_changed: the key (the value itself by default) has no operator==");
      return detail::ill_formed{};
    } else if constexpr (!std::is_constructible_v<detail::distinct_key_t<Key, value_t<U>>,
                                                  detail::invoke_unpacked_result_t<Key&, arg>>) {
      static_assert(detail::always_false<Key>,
                    "coflow::distinct_until_changed: the key (the value itself by default) cannot be copied");
      return detail::ill_formed{};
    } else {
      return distinct_until_changed_stage<U, Key>{std::forward<S>(up), std::forward<K>(k)};
    }
  }

  /// `distinct_until_changed()`: compares the values; `distinct_until_changed(key)`: `key(v)`.
  template <class Key = std::identity>
  constexpr auto operator()(Key key = {}) const {
    return make_closure<distinct_until_changed_fn>(std::move(key));
  }
};

/// `src | coflow::distinct_until_changed()`: drops consecutive duplicates.
///
///     auto v = std::vector{1, 1, 2, 1} | coflow::distinct_until_changed() | coflow::to_vector();  // 1 2 1
inline constexpr distinct_until_changed_fn distinct_until_changed{};

}  // namespace coflow
