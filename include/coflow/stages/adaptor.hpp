// SPDX-License-Identifier: BSL-1.0
// coflow/stages/adaptor.hpp - a stage of one upstream, from its per-item behaviour.
#pragma once

#include <cassert>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/stage.hpp"

namespace coflow {

namespace detail {
struct no_signal {};

template <class Core>
concept flushes = requires(Core& c, bool (*emit)(typename Core::value_type&&)) {
  c.on_end(emit);
  c.on_failure(emit);
};
}  // namespace detail

/// What an adaptor of one upstream states, once, for both ways of running it (range-v3's
/// `view/adaptor.hpp`, stdexec's `__then_impl::complete`):
/// - `value_type` and `stage_name`;
/// - `bool on_value(v, emit)`: takes one upstream value and gives at most one value with
///   `emit(x)` (which returns false when the consumer needs no more); returns false when the
///   stage will take no more (its consumer stopped, or, as `take`, it is complete). An
///   exception is the stage's failure.
/// - optionally `bool exhausted()`: complete before the next pull (then the upstream is not
///   pulled again); `on_end(emit)` and `on_failure(emit)`: give what the stage still holds
///   when the upstream ends, or before its failure (both or neither);
///   `buffer_bound`: when it holds values beyond its upstream's.
template <class Core>
concept adaptor_core = requires {
  typename Core::value_type;
  { Core::stage_name } -> std::convertible_to<std::string_view>;
};

/// The stage `upstream | adaptor`: `next()` (pull) and `drive()` (a fused push loop) are both
/// derived from `Core`, so they give the same values and the same failure at the same place.
/// Once the upstream ended or failed, or the core is exhausted, the stage gives `done` and
/// the upstream is not pulled again.
template <stage S, adaptor_core Core>
class adapted_stage : public stage_base<S> {
  static constexpr bool flushes = detail::flushes<Core>;

 public:
  using value_type = typename Core::value_type;
  static constexpr std::string_view stage_name = Core::stage_name;
  static constexpr std::size_t buffer_bound = [] {
    if constexpr (requires { Core::buffer_bound; })
      return static_cast<std::size_t>(Core::buffer_bound);
    else
      return buffer_bound_v<S>;
  }();

  template <class... A>
  explicit adapted_stage(S up, A&&... core_args) : up_{std::move(up)}, core_{std::forward<A>(core_args)...} {}

  step<value_type> next() {
    if constexpr (flushes) {
      if (after_) return *std::exchange(after_, std::nullopt);
    }
    for (;;) {
      if (ended_) return done;
      if (exhausted()) return end_with(done);
      step<value_t<S>> s = up_.next();
      if (s.has_value()) {
        std::optional<step<value_type>> out;
        try {
          auto emit = slot(out);
          core_.on_value(*std::move(s), emit);
        } catch (...) {
          return end_with(failure::current());
        }
        if (out) return std::move(*out);
      } else if (s.is_cooperate()) {
        return s.cooperation();
      } else {
        return end_with(std::move(s).template forward_signal<value_type>());
      }
    }
  }

  // The push path is forced inline (here and in drive_plain / drive_flushing): left to g++'s
  // late inliner, the sink's accumulator is still in memory when the loop is optimised, and a
  // stage that leaves the loop early (take_while) costs a flag per value (docs/benchmarks.md).
  template <class G>
    requires drivable<S>
  [[gnu::always_inline]] void drive(G&& g) {
    if constexpr (flushes) {
      if (after_) return throw_after();
    }
    if (ended_ || exhausted()) return;
    if constexpr (flushes)
      drive_flushing(g);
    else
      drive_plain(g);
  }

  [[nodiscard]] const Core& core() const noexcept { return core_; }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return adapted_stage<detail::rebuilt_t<F, S>, Core>{f(std::move(up_)), std::move(core_)};
  }

 private:
  bool exhausted() {
    if constexpr (requires(Core& c) { c.exhausted(); })
      return core_.exhausted();
    else
      return false;
  }

  // An emit for the pull path: keeps the value for next() to return.
  static auto slot(std::optional<step<value_type>>& out) {
    return [&out](auto&& x) {
      assert(!out && "an adaptor core gave two values for one upstream value");
      out.emplace(std::forward<decltype(x)>(x));
      return true;
    };
  }

  // The upstream ended (`done`) or failed: what the core still holds goes first.
  step<value_type> end_with(step<value_type> signal) {
    ended_ = true;
    if constexpr (flushes) {
      std::optional<step<value_type>> out;
      try {
        auto emit = slot(out);
        if (signal.is_done())
          core_.on_end(emit);
        else if (signal.is_failure())
          core_.on_failure(emit);
      } catch (...) {
        signal = failure::current();
      }
      if (out) {
        after_.emplace(std::move(signal));
        return std::move(*out);
      }
    }
    return signal;
  }

  template <class G>
  [[gnu::always_inline]] void drive_plain(G& g) {
    bool more = true;
    auto emit = [&](auto&& x) { return more = g(std::forward<decltype(x)>(x)); };
    try {
      up_.drive([&](auto&& v) { return core_.on_value(std::forward<decltype(v)>(v), emit); });
    } catch (...) {
      ended_ = true;
      throw;
    }
    if (more) ended_ = true;
  }

  // As drive_plain, and what the core holds goes before the end and before a failure of the
  // upstream (or of the core). An exception thrown by g is the consumer's, not a failure to
  // flush before.
  template <class G>
  [[gnu::always_inline]] void drive_flushing(G& g) {
    bool more = true, in_g = false;
    auto emit = [&](auto&& x) {
      in_g = true;
      more = g(std::forward<decltype(x)>(x));
      in_g = false;
      return more;
    };
    try {
      up_.drive([&](auto&& v) { return core_.on_value(std::forward<decltype(v)>(v), emit); });
    } catch (...) {
      ended_ = true;
      if (!in_g) core_.on_failure(emit);
      if (more) throw;  // a consumer that stopped at the flushed value never sees the failure
      return;
    }
    if (!more) return;
    ended_ = true;
    core_.on_end(emit);
  }

  // A pull gave what the core held; the push path gives what followed it.
  void throw_after() {
    step<value_type> s = *std::exchange(after_, std::nullopt);
    if (s.is_failure()) s.error().rethrow();
  }

  S up_;
  Core core_;
  [[no_unique_address]] std::conditional_t<flushes, std::optional<step<value_type>>, detail::no_signal>
      after_;
  bool ended_ = false;
};

}  // namespace coflow
