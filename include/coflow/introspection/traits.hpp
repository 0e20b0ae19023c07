// SPDX-License-Identifier: BSL-1.0
// coflow/introspection/traits.hpp - a flow's static properties, for static_assert.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"

namespace coflow {

namespace detail {

/// The `upstreams` of a stage (none if it declares none), and how many there are.
template <class S>
using upstreams_of = std::conditional_t<requires { typename S::upstreams; }, typename S::upstreams,
                                        decltype(boost::hana::tuple_t<>)>;

template <class S>
inline constexpr std::size_t upstream_count_v =
    decltype(boost::hana::length(std::declval<upstreams_of<S>>()))::value;

/// `f(hana::type_c<Up>...)` over a stage's upstreams. (Hana 1.74 cannot unpack an empty
/// `hana::tuple`, so a source calls `f()` directly.)
template <class S, class F>
constexpr decltype(auto) unpack_upstreams(F&& f) {
  if constexpr (upstream_count_v<S> == 0)
    return std::forward<F>(f)();
  else
    return boost::hana::unpack(upstreams_of<S>{}, std::forward<F>(f));
}

template <class S>
constexpr std::size_t stage_count() {
  return unpack_upstreams<S>(
      [](auto... t) { return (std::size_t{1} + ... + stage_count<typename decltype(t)::type>()); });
}

template <class S>
constexpr std::size_t source_count() {
  if constexpr (upstream_count_v<S> == 0)
    return 1;
  else
    return unpack_upstreams<S>(
        [](auto... t) { return (std::size_t{0} + ... + source_count<typename decltype(t)::type>()); });
}

template <class S>
constexpr std::size_t depth() {
  return unpack_upstreams<S>([](auto... t) {
    std::size_t longest = 0;
    ((longest = std::max(longest, depth<typename decltype(t)::type>())), ...);
    return longest + 1;
  });
}

/// The traits of what is not a stage: every member, so that using one says nothing more.
struct ill_formed_traits {
  using value_type = ill_formed;
  using stored_value_type = ill_formed;
  static constexpr bool can_cooperate = false;
  static constexpr bool uses_threads = false;
  static constexpr std::size_t buffer_bound = 0;
  static constexpr bool is_bounded = false;
  static constexpr std::size_t stage_count = 0;
  static constexpr std::size_t source_count = 0;
  static constexpr std::size_t depth = 0;
};

template <class F, bool = stage<F>>
struct flow_traits_base : ill_formed_traits {
  static_assert(always_false<F>,
                "coflow::flow_traits: the type (F) is not a stage (it has no value_type, next() or "
                "can_cooperate)");
};
// A failed check's result: its own check has said why.
template <>
struct flow_traits_base<ill_formed, false> : ill_formed_traits {};

template <class F>
struct flow_traits_base<F, true> {
  /// What the flow gives, and what a consumer stores (no reference, no cv).
  using value_type = value_t<F>;
  using stored_value_type = stored_value_t<F>;
  /// Whether a pull can give a `cooperate` (false: the flow runs as one plain loop).
  static constexpr bool can_cooperate = can_cooperate_v<F>;
  /// Whether some stage of the flow runs on a worker thread.
  static constexpr bool uses_threads = uses_threads_v<F>;
  /// How many items the whole flow may hold buffered at once; `coflow::unbounded` if no
  /// finite number does.
  static constexpr std::size_t buffer_bound = buffer_bound_v<F>;
  static constexpr bool is_bounded = buffer_bound != unbounded;
  /// Stages in the graph, its sources (stages without upstreams), and the longest path from a
  /// source to the flow's last stage, in stages.
  static constexpr std::size_t stage_count = detail::stage_count<F>();
  static constexpr std::size_t source_count = detail::source_count<F>();
  static constexpr std::size_t depth = detail::depth<F>();
};

}  // namespace detail

/// The static properties of a flow (a stage and everything upstream of it):
///
///     auto f = coflow::from(std::vector{1, 2, 3}) | coflow::map([](int i) { return i * 2; });
///     using t = coflow::flow_traits<decltype(f)>;
///     static_assert(std::is_same_v<t::value_type, int> && !t::can_cooperate && t::is_bounded);
///     static_assert(t::stage_count == 2 && t::source_count == 1 && t::depth == 2);
template <class F>
struct flow_traits : detail::flow_traits_base<std::remove_cvref_t<F>> {};

/// Whether the flow holds at most a finite number of items buffered (`buffer_bound_v<F>`,
/// in coflow/core/stage.hpp, gives the number).
template <class F>
inline constexpr bool is_bounded_v = flow_traits<F>::is_bounded;

/// Number of stages in the flow's graph, of its sources, and the length of its longest path.
template <class F>
inline constexpr std::size_t stage_count_v = flow_traits<F>::stage_count;
template <class F>
inline constexpr std::size_t source_count_v = flow_traits<F>::source_count;
template <class F>
inline constexpr std::size_t depth_v = flow_traits<F>::depth;

/// A flow that never cooperates and uses no threads: it runs as a plain loop on the caller.
template <class F>
concept synchronous_flow = stage<std::remove_cvref_t<F>> && !can_cooperate_v<std::remove_cvref_t<F>> &&
                           !uses_threads_v<std::remove_cvref_t<F>>;

/// A flow whose buffers hold at most `buffer_bound_v<F>` items.
template <class F>
concept bounded_flow = stage<std::remove_cvref_t<F>> && is_bounded_v<F>;

}  // namespace coflow
