// SPDX-License-Identifier: BSL-1.0
// coflow/stages/chunk_within.hpp - chunks of up to n values, or what came within a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "coflow/core/clock.hpp"
#include "coflow/core/cooperate.hpp"
#include "coflow/core/stage.hpp"

namespace coflow {

/// The stage `upstream | chunk(n, within)` (see chunk.hpp): a `std::vector` as soon as it
/// holds `n` values, or once `within` has passed since its first value (by `coflow::now()`),
/// whichever comes first: "batch up to 500 rows or 50 ms". While the upstream waits with a
/// partial chunk, the stage cooperates until the earlier of the upstream's wake-up and the
/// chunk's deadline. The partial chunk goes before the end and before a failure.
template <stage S>
class chunk_within_stage : public stage_base<S> {
 public:
  using value_type = std::vector<stored_value_t<S>>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "chunk";
  static constexpr std::size_t buffer_bound = unbounded;  // n is known at run time

  chunk_within_stage(S up, std::size_t n, cooperate::duration within)
      : up_{std::move(up)}, n_{n}, within_{within} {}

  step<value_type> next() {
    if (after_) return *std::exchange(after_, std::nullopt);
    while (!ended_) {
      step<value_t<S>> s = up_.next();
      if (s.has_value()) {
        if (buf_.empty()) deadline_ = now() + within_;
        buf_.emplace_back(*std::move(s));
        if (buf_.size() >= n_ || now() >= deadline_) return flush();
      } else if (s.is_cooperate()) {
        if (buf_.empty()) return s.cooperation();
        if (now() >= deadline_) return flush();
        return earliest(s.cooperation(), detail::until(deadline_));
      } else {
        ended_ = true;
        step<value_type> signal = std::move(s).template forward_signal<value_type>();
        if (buf_.empty()) return signal;
        after_.emplace(std::move(signal));
        return flush();
      }
    }
    return done;
  }

  /// How many values this stage and its upstreams hold at most.
  [[nodiscard]] std::size_t max_buffered() const noexcept {
    return detail::add_bounds(buffer_bound_v<S>, n_);
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return chunk_within_stage<detail::rebuilt_t<F, S>>{f(std::move(up_)), n_, within_};
  }

 private:
  step<value_type> flush() { return std::exchange(buf_, value_type{}); }

  S up_;
  std::size_t n_;
  cooperate::duration within_;
  value_type buf_{};
  std::chrono::steady_clock::time_point deadline_{};
  std::optional<step<value_type>> after_;
  bool ended_ = false;
};

}  // namespace coflow
