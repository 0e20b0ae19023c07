// SPDX-License-Identifier: BSL-1.0
// coflow/core/stage.hpp - the stage concept and the static properties of every stage.
#pragma once

#include <concepts>
#include <cstddef>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "coflow/core/step.hpp"

namespace coflow {

/// A buffer bound that no finite number describes (a stage that may hold any number of items).
inline constexpr std::size_t unbounded = std::numeric_limits<std::size_t>::max();

/// A stage is something that can be pulled: `next()` gives one `step<value_type>`.
///
/// Every stage also states, as `static constexpr` members:
/// - `can_cooperate`: whether `next()` can ever give a `cooperate` (a graph where no stage can
///   is run as a plain loop with no cooperate checks);
/// - `stage_name`: its name in diagnostics and in `describe(flow)`;
/// - `upstreams`: the types of the stages it pulls from, as a `hana::tuple_t<...>`.
/// Optional members: `uses_threads` (default false) and `buffer_bound` (how many items it may
/// hold at once, default 0), and `drive(f)`, a push-style loop that calls `f(value)` until `f`
/// returns false or the stage ends; stages that cannot cooperate offer it so that a whole
/// pipeline fuses into one loop. In `drive`, failures are exceptions: only an edge calls it.
/// A stage that stores its upstreams may offer `std::move(s).with_upstreams(f)`: the same
/// stage, with the same settings and not yet run, over `f(std::move(up))` for each upstream,
/// called in the order of `upstreams` (in braces, which fix that order); `f` gives a stage of
/// the same value type and properties. `coflow::instrument` rebuilds a flow with it.
template <class S>
concept stage = std::move_constructible<S> && requires(S& s) {
  typename S::value_type;
  { s.next() } -> std::same_as<step<typename S::value_type>>;
  { S::can_cooperate } -> std::convertible_to<bool>;
};

template <stage S>
using value_t = typename S::value_type;

/// The value type with references and cv removed: what a consumer stores.
template <stage S>
using stored_value_t = std::remove_cvref_t<typename S::value_type>;

template <stage S>
inline constexpr bool can_cooperate_v = static_cast<bool>(S::can_cooperate);

namespace detail {
/// An upstream `S` as `f` rebuilds it (see `with_upstreams`).
template <class F, class S>
using rebuilt_t = std::remove_cvref_t<std::invoke_result_t<F&, S&&>>;

template <class S>
constexpr bool uses_threads_of() {
  if constexpr (requires { S::uses_threads; })
    return static_cast<bool>(S::uses_threads);
  else
    return false;
}
template <class S>
constexpr std::size_t buffer_bound_of() {
  if constexpr (requires { S::buffer_bound; })
    return static_cast<std::size_t>(S::buffer_bound);
  else
    return 0;
}
}  // namespace detail

template <stage S>
inline constexpr bool uses_threads_v = detail::uses_threads_of<S>();

/// Upper bound of items a stage and its upstreams can hold buffered at once.
template <stage S>
inline constexpr std::size_t buffer_bound_v = detail::buffer_bound_of<S>();

/// A stage that can run as one fused push loop.
template <class S>
concept drivable =
    stage<S> && !can_cooperate_v<S> && requires(S& s) { s.drive([](value_t<S>) { return true; }); };

/// A source that lends its position as a cursor, so that a stage walking several sources in
/// lock step (`zip`) keeps every position in a local of one loop instead of calling each
/// source's `next()` per item. `take_back` stores where the cursor stopped.
template <class S>
concept lends_cursor = drivable<S> && requires(S& s, typename S::cursor& c) {
  { s.lend_cursor() } -> std::same_as<typename S::cursor>;
  { s.at_end(c) } -> std::convertible_to<bool>;
  { s.read(c) } -> std::convertible_to<value_t<S>>;
  S::advance(c);
  s.take_back(c);
};

namespace detail {
/// A cursor source that knows how many items it has left, so a lock-step loop can count
/// instead of comparing every position with its end.
template <class S>
concept counts_remaining = lends_cursor<S> && requires(S& s, typename S::cursor& c) {
  { s.remaining(c) } -> std::convertible_to<std::ptrdiff_t>;
};

/// Adds buffer bounds without overflowing past `unbounded`.
constexpr std::size_t add_bounds(std::size_t a, std::size_t b) noexcept {
  return (a == unbounded || b == unbounded || a > unbounded - b) ? unbounded : a + b;
}
template <class... S>
constexpr std::size_t sum_bounds() noexcept {
  std::size_t r = 0;
  ((r = add_bounds(r, buffer_bound_v<S>)), ...);
  return r;
}
}  // namespace detail

/// The static properties a stage that pulls from `Up...` has unless it says otherwise (as
/// range-v3's `adaptor_base` gives a view its defaults): it can cooperate and uses threads
/// when an upstream does, and holds what its upstreams hold. A source (`stage_base<>`)
/// cannot cooperate. A stage derives from it and declares only what differs.
template <class... Up>
struct stage_base {
  static constexpr bool can_cooperate = (can_cooperate_v<Up> || ...);
  static constexpr bool uses_threads = (uses_threads_v<Up> || ...);
  static constexpr std::size_t buffer_bound = detail::sum_bounds<Up...>();
  using upstreams = decltype(boost::hana::tuple_t<Up...>);
};

namespace detail {
/// `drive` for a stage that cannot cooperate, from its `next()`: a failure is thrown, as
/// everywhere in `drive`.
template <class S, class G>
constexpr void drive_by_pulling(S& s, G& g) {
  static_assert(!can_cooperate_v<S>, "drive_by_pulling: the stage can cooperate");
  for (;;) {
    step<value_t<S>> st = s.next();
    if (st.has_value()) {
      if (!g(*std::move(st))) return;
    } else if (st.is_done()) {
      return;
    } else {
      st.error().rethrow();
    }
  }
}
}  // namespace detail

}  // namespace coflow
