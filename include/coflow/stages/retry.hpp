// SPDX-License-Identifier: BSL-1.0
// coflow/stages/retry.hpp - a source made again after a failure, after a backoff.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"
#include "coflow/core/failure.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

/// A backoff policy: `initial`, multiplied by `factor` after each failure, at most `max`.
struct exponential_backoff {
  cooperate::duration initial{std::chrono::milliseconds{100}};
  double factor = 2.0;
  cooperate::duration max{std::chrono::seconds{30}};

  cooperate::duration operator()(std::size_t attempt) const {
    double d = static_cast<double>(initial.count());
    for (std::size_t i = 1; i < attempt && d < static_cast<double>(max.count()); ++i) d *= factor;
    return d < static_cast<double>(max.count())
               ? cooperate::duration{static_cast<cooperate::duration::rep>(d)}
               : max;
  }
};

/// The stage `retry(n, backoff, make)`: the values of `make()` (a stage or a range); when it
/// fails, and fewer than `n` retries were made, it waits `backoff(k)` (the k-th retry, from
/// 1; by `coflow::now()`, cooperating meanwhile) and gives the values of a new `make()`. The
/// values given before a failure stay given (a retried source starts again from its start).
/// After `n` retries the failure is the stage's. An exception of `make` is a failure too.
template <class Make, class Backoff>
class retry_stage : public stage_base<detail::as_stage_t<std::invoke_result_t<Make&>>> {
  using inner_t = detail::as_stage_t<std::invoke_result_t<Make&>>;

 public:
  using value_type = value_t<inner_t>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "retry";

  retry_stage(std::size_t n, Backoff backoff, Make make)
      : make_{std::move(make)}, backoff_{std::move(backoff)}, left_{n} {}

  step<value_type> next() {
    if (ended_) return done;
    if (!inner_) {
      if (waiting_ && now() < resume_) return detail::until(resume_);
      waiting_ = false;
      try {
        inner_.emplace(detail::as_stage(std::invoke(make_)));
      } catch (...) {
        return failed(failure::current());
      }
    }
    step<value_type> s = inner_->next();
    if (s.is_failure()) return failed(std::move(s).error());
    if (s.is_done()) ended_ = true;
    return s;
  }

 private:
  step<value_type> failed(failure f) {
    inner_.reset();
    if (left_ == 0) {
      ended_ = true;
      return f;
    }
    --left_;
    waiting_ = true;
    resume_ = now() + std::invoke(backoff_, ++attempt_);
    return detail::until(resume_);
  }

  Make make_;
  Backoff backoff_;
  std::optional<inner_t> inner_;
  std::size_t left_, attempt_ = 0;
  std::chrono::steady_clock::time_point resume_{};
  bool waiting_ = false, ended_ = false;
};

/// `retry(n, backoff, make)`: `make()`'s values, made again up to `n` times after a failure.
/// `backoff` is a duration (the same wait each time) or a callable `(std::size_t k) ->
/// duration`, such as `exponential_backoff{}`.
///
///     auto rows = coflow::retry(3, coflow::exponential_backoff{100ms}, [&] { return fetch(url); });
template <class B, class Make>
auto retry(std::size_t n, B backoff, Make make) {
  if constexpr (!std::is_invocable_v<Make&>) {
    static_assert(detail::always_false<Make>,
                  "coflow::retry: the factory cannot be called without arguments");
    return detail::ill_formed{};
  } else if constexpr (!detail::stage_like<std::invoke_result_t<Make&>>) {
    static_assert(detail::always_false<Make>,
                  "coflow::retry: the factory returns neither a stage nor a range");
    return detail::ill_formed{};
  } else if constexpr (std::is_convertible_v<B, cooperate::duration>) {
    auto same = [d = cooperate::duration{backoff}](std::size_t) { return d; };
    return retry_stage<Make, decltype(same)>{n, same, std::move(make)};
  } else if constexpr (!std::is_invocable_r_v<cooperate::duration, B&, std::size_t>) {
    static_assert(
        detail::always_false<B>,
        "coflow::retry: the backoff is neither a duration nor a function of the retry number giving one");
    return detail::ill_formed{};
  } else {
    return retry_stage<Make, B>{n, std::move(backoff), std::move(make)};
  }
}

}  // namespace coflow
