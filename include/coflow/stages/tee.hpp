// SPDX-License-Identifier: BSL-1.0
// coflow/stages/tee.hpp - one upstream feeding several branches, each seeing every value.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/core/cooperate.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/step.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

namespace detail {
/// What the branches of a tee share: the upstream, the values some branch has not seen yet
/// (at most `Capacity`), each branch's position, and the upstream's end or failure.
template <stage S, std::size_t N, std::size_t Capacity>
struct tee_state {
  using T = stored_value_t<S>;
  S up;
  std::deque<T> buffered;           // values [first, first + size)
  std::size_t first = 0;            // the number of the oldest buffered value
  std::array<std::size_t, N> at{};  // the number of each branch's next value
  std::array<bool, N> live{};
  std::optional<step<T>> last;  // the upstream's end or failure, once seen
  std::vector<waker> waiting;   // branches parked until a value is taken or arrives

  explicit tee_state(S s) : up{std::move(s)} { live.fill(true); }

  void wake_all() {
    for (auto& w : std::exchange(waiting, {})) w.wake();
  }
  // Drops the values every live branch has seen.
  void trim() {
    std::size_t low = first + buffered.size();
    for (std::size_t i = 0; i < N; ++i)
      if (live[i] && at[i] < low) low = at[i];
    const bool freed = low > first;
    while (first < low) buffered.pop_front(), ++first;
    if (freed) wake_all();
  }
  void park() { waiting.push_back(current_waker()); }

  step<T> next(std::size_t i) {
    if (at[i] < first + buffered.size()) {
      T v = buffered[at[i]++ - first];
      trim();
      return v;
    }
    if (last) return *last;
    if (buffered.size() >= Capacity) {  // the slowest branch holds the buffer full
      park();
      return cooperate::park();
    }
    return pull(i);
  }

  step<T> pull(std::size_t i) {
    step<value_t<S>> s = up.next();
    if (s.has_value()) {
      buffered.emplace_back(*std::move(s));
      wake_all();
      return next(i);
    }
    if (s.is_cooperate()) {
      park();  // the branch that pulled carries the upstream's wake-up; the others wait on it
      return s.cooperation();
    }
    last.emplace(std::move(s).template forward_signal<T>());
    wake_all();
    return next(i);
  }
};
}  // namespace detail

/// One branch of `tee<N, Capacity>(upstream)`: every value of the upstream, in order, as a
/// copy (`stored_value_t`), then its end or failure. The branches share a buffer of at most
/// `Capacity` values: a branch that runs `Capacity` values ahead of the slowest live one waits
/// (parks) until that one takes a value. A branch destroyed early no longer holds the others
/// back. The branches are meant to run as separate flows (or branches of `merge`) on one
/// scheduler: pulled one after another on one thread, a branch that waits for another never
/// resumes.
template <stage S, std::size_t N, std::size_t Capacity>
class tee_branch : public stage_base<S> {
  using state = detail::tee_state<S, N, Capacity>;

 public:
  using value_type = stored_value_t<S>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "tee";
  static constexpr std::size_t buffer_bound = detail::add_bounds(buffer_bound_v<S>, Capacity);

  tee_branch(std::shared_ptr<state> st, std::size_t i) : st_{std::move(st)}, i_{i} {}
  tee_branch(tee_branch&& o) noexcept : st_{std::move(o.st_)}, i_{o.i_} {}
  tee_branch& operator=(tee_branch&&) = delete;
  ~tee_branch() {
    if (!st_) return;
    st_->live[i_] = false;
    st_->trim();
    st_->wake_all();  // it may have carried the upstream's wake-up
  }

  step<value_type> next() { return st_->next(i_); }

 private:
  std::shared_ptr<state> st_;
  std::size_t i_;
};

/// `tee<N, Capacity>(src)`: `N` branches (a `std::array`), each giving every value of `src`
/// (broadcast). `Capacity` (64 by default) bounds the values buffered for the slowest branch;
/// `flow_traits` reports it in each branch's `buffer_bound`.
///
///     auto [a, b] = coflow::tee<2>(events);
///     auto counted = sched.spawn(std::move(a) | coflow::fold(0, [](int n, auto&&) { return n + 1; }));
///     auto logged = sched.spawn(std::move(b), coflow::for_each(log));
template <std::size_t N, std::size_t Capacity = 64, class X>
auto tee(X&& src) {
  if constexpr (!detail::stage_like<X>) {
    static_assert(detail::always_false<X>, "coflow::tee: the upstream is neither a stage nor a range");
    return detail::ill_formed{};
  } else if constexpr (N < 2 || Capacity < 1) {
    static_assert(detail::always_false<X>,
                  "coflow::tee: it needs at least 2 branches and a capacity of at least 1");
    return detail::ill_formed{};
  } else if constexpr (!std::is_copy_constructible_v<stored_value_t<detail::as_stage_t<X>>>) {
    static_assert(detail::always_false<X>,
                  "coflow::tee: each branch gets a copy, and the value type cannot be copied");
    return detail::ill_formed{};
  } else {
    using S = detail::as_stage_t<X>;
    auto st = std::make_shared<detail::tee_state<S, N, Capacity>>(detail::as_stage(std::forward<X>(src)));
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<tee_branch<S, N, Capacity>, N>{tee_branch<S, N, Capacity>{st, I}...};
    }(std::make_index_sequence<N>{});
  }
}

}  // namespace coflow
