// SPDX-License-Identifier: BSL-1.0
// Stages that several tests use to observe a driver from the inside.
#pragma once

#include <coflow/core/cooperate.hpp>
#include <coflow/core/failure.hpp>
#include <coflow/core/stage.hpp>
#include <coflow/core/waker.hpp>
#include <coflow/coro/generator.hpp>
#include <coflow/sources/callback.hpp>

#include <chrono>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace coflow_test {

/// Counts the pulls of the stage it wraps: a parked consumer must be pulled again only when
/// woken, never in a loop.
template <class S>
struct counted {
  S up;
  int pulls = 0;
  using value_type = coflow::value_t<S>;
  static constexpr bool can_cooperate = true;
  coflow::step<value_type> next() {
    ++pulls;
    return up.next();
  }
};

/// Parks forever, keeping its waker as a stage waiting for an event does; counts its
/// destructions (a moved-from one does not count).
struct parked_forever {
  using value_type = int;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "parked_forever";
  using upstreams = decltype(boost::hana::tuple_t<>);

  int* destroyed;
  coflow::waker w;
  explicit parked_forever(int* d) : destroyed{d} {}
  parked_forever(parked_forever&& o) noexcept : destroyed{std::exchange(o.destroyed, nullptr)} {}
  ~parked_forever() {
    if (destroyed) ++*destroyed;
  }
  coflow::step<int> next() {
    w = coflow::current_waker();
    return coflow::cooperate::park();
  }
};

/// A consumer that cooperates after every value it takes from `in` (the values are ints).
template <class S>
coflow::generator<int> slowly(S in) {
  while (auto v = co_await in) {
    co_yield *v;
    co_yield coflow::cooperate{};
  }
}

/// A callback source fed `values[i].second` at `values[i].first`, then finished (or failed
/// with "feed failed") at `end`; the times are set with `call_later(at, fn)` (a scheduler's or
/// the Asio driver's, on virtual time).
template <class CallLater>
coflow::callback_stage<int> fed_at(CallLater call_later,
                                   std::vector<std::pair<std::chrono::nanoseconds, int>> values,
                                   std::chrono::nanoseconds end, bool fail = false) {
  auto [in, out] = coflow::make_callback<int>();
  for (auto [at, v] : values) call_later(at, [in, v]() mutable { in.push(v); });
  call_later(end, [in, fail]() mutable {
    if (fail)
      in.fail(coflow::failure::make(std::runtime_error("feed failed")));
    else
      in.finish();
  });
  return std::move(out);
}

}  // namespace coflow_test
