// SPDX-License-Identifier: BSL-1.0
// Test-only stages that follow coflow's stage convention, for the introspection tests: a stage
// with two upstreams, a threaded source with a buffer, and a source that describes itself.
#pragma once

#include <coflow/core/stage.hpp>

#include <cstddef>
#include <string_view>
#include <utility>

namespace intro_test {

/// Pairs the values of two upstreams (a minimal stand-in for a zip).
template <coflow::stage A, coflow::stage B>
struct pair_stage {
  using value_type = std::pair<coflow::stored_value_t<A>, coflow::stored_value_t<B>>;
  static constexpr bool can_cooperate = coflow::can_cooperate_v<A> || coflow::can_cooperate_v<B>;
  static constexpr bool uses_threads = coflow::uses_threads_v<A> || coflow::uses_threads_v<B>;
  static constexpr std::size_t buffer_bound =
      coflow::detail::add_bounds(coflow::detail::sum_bounds<A, B>(), 1);
  static constexpr std::string_view stage_name = "pair";
  using upstreams = decltype(boost::hana::tuple_t<A, B>);

  A a;
  B b;
  coflow::step<value_type> next() {
    auto x = a.next();
    if (!x.has_value()) return std::move(x).template forward_signal<value_type>();
    auto y = b.next();
    if (!y.has_value()) return std::move(y).template forward_signal<value_type>();
    return value_type{*std::move(x), *std::move(y)};
  }
};

template <class A, class B>
pair_stage<A, B> pair(A a, B b) {
  return {std::move(a), std::move(b)};
}

/// A source that would run on a worker thread behind a ring of `N` items.
template <std::size_t N>
struct worker_source {
  using value_type = long;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  static constexpr std::size_t buffer_bound = N;
  static constexpr std::string_view stage_name = "worker";
  using upstreams = decltype(boost::hana::tuple_t<>);
  coflow::step<long> next() { return coflow::done; }
};

/// A source that may hold any number of items, and names itself.
struct unbounded_source {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::size_t buffer_bound = coflow::unbounded;
  static constexpr std::string_view stage_name = "queue";
  using upstreams = decltype(boost::hana::tuple_t<>);
  static constexpr std::string_view describe_self() { return "queue[\"jobs\"]"; }
  coflow::step<int> next() { return coflow::done; }
};

}  // namespace intro_test
