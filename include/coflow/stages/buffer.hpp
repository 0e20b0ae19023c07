// SPDX-License-Identifier: BSL-1.0
// coflow/stages/buffer.hpp - let the upstream run ahead of its consumer by up to n values.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "coflow/core/cooperate.hpp"
#include "coflow/core/failure.hpp"
#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/step.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/count.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/sources/from.hpp"

namespace coflow {

namespace detail {
/// Makes `w` the waker of the flow being pulled on this thread. Each side of a buffer keeps
/// its own across its turns: a copy (two atomic reference counts) only when it changed.
inline void keep_current_waker(waker& w) {
  if (w.get() == current_target) return;
  w = current_waker();
}

/// The values a buffer holds, first in first out: a ring that grows (doubling, from 16) up
/// to the buffer's capacity, so that a buffer in use allocates nothing per value and a large
/// capacity costs memory only when it fills.
template <class T>
class value_ring {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  template <class U>
  void push(U&& v, std::size_t capacity) {
    if (size_ == slots_.size()) grow(capacity);
    slots_[wrap(head_ + size_)].emplace(std::forward<U>(v));
    ++size_;
  }
  T pop() {
    std::optional<T>& slot = slots_[head_];
    T v = *std::move(slot);
    slot.reset();
    head_ = wrap(head_ + 1);
    --size_;
    return v;
  }

 private:
  [[nodiscard]] std::size_t wrap(std::size_t i) const noexcept {
    return i >= slots_.size() ? i - slots_.size() : i;
  }
  void grow(std::size_t capacity) {
    std::vector<std::optional<T>> more(std::min(std::max<std::size_t>(2 * slots_.size(), 16), capacity));
    for (std::size_t i = 0; i < size_; ++i) more[i].emplace(*std::move(slots_[wrap(head_ + i)]));
    slots_ = std::move(more);
    head_ = 0;
  }

  std::vector<std::optional<T>> slots_;
  std::size_t head_ = 0, size_ = 0;
};

/// What a buffer's consumer (the stage) and its producer (a side flow) share: the upstream,
/// at most `capacity` values it gave ahead of the consumer, then its end or failure; and the
/// wakers of the two sides, each parked only while the buffer is full (producer) or empty and
/// not ended (consumer).
template <stage S>
struct buffer_state {
  using T = stored_value_t<S>;

  buffer_state(S s, std::size_t n) : up{std::in_place, std::move(s)}, capacity{n} {}

  std::optional<S> up;  // reset once it ended or failed, or the consumer is gone
  value_ring<T> values;
  std::size_t capacity;
  std::optional<step<T>> last;  // the upstream's end or failure, after `values`
  waker producer, consumer;
  bool pulling = false;  // the producer is inside `up->next()`
  bool closed = false;   // the consumer is gone

  // One pull of the upstream; an exception thrown by it is its failure.
  step<value_t<S>> pull() {
    try {
      return up->next();
    } catch (...) {
      return failure::current();
    }
  }

  // One turn of the producer: fills the buffer until it is full (then parks), the upstream
  // cooperates (its cooperate ends the turn) or ends.
  step<std::monostate> produce() {
    keep_current_waker(producer);
    for (;;) {
      if (!up) return finish();
      if (values.size() >= capacity) return cooperate::park();
      pulling = true;
      step<value_t<S>> s = pull();
      pulling = false;
      if (closed) return finish();
      if (s.has_value()) {
        values.push(*std::move(s), capacity);
        if (values.size() == 1) consumer.wake();
      } else if (s.is_cooperate()) {
        return s.cooperation();
      } else {
        last.emplace(std::move(s).template forward_signal<T>());
        consumer.wake();
        return finish();
      }
    }
  }
  step<std::monostate> finish() {
    up.reset();
    producer = waker{};  // the producer's task holds this state: no cycle is left
    return done;
  }

  // The consumer's pull while the producer runs as a side flow.
  step<T> take() {
    if (!values.empty()) {
      if (values.size() == capacity) producer.wake();
      return values.pop();
    }
    if (last) return *std::exchange(last, step<T>{done});
    keep_current_waker(consumer);
    return cooperate::park();
  }

  // The consumer's pull when no driver runs a side flow: the upstream, pulled through.
  step<T> pass() {
    if (!up) return done;
    step<value_t<S>> s = pull();
    if (s.has_value()) return T(*std::move(s));
    if (!s.is_cooperate()) up.reset();
    return std::move(s).template forward_signal<T>();
  }

  // The consumer is gone: the upstream is destroyed now (or, when the producer is inside
  // its pull, right after it), and a parked producer is woken to finish.
  void close() noexcept {
    closed = true;
    consumer = waker{};
    if (!pulling) up.reset();
    std::exchange(producer, waker{}).wake();
  }
};

/// `buffer_state::produce` as the side flow a driver runs.
template <stage S>
class buffer_producer final : public side_flow {
 public:
  explicit buffer_producer(std::shared_ptr<buffer_state<S>> st) noexcept : st_{std::move(st)} {}
  step<std::monostate> next() override { return st_->produce(); }

 private:
  std::shared_ptr<buffer_state<S>> st_;
};
}  // namespace detail

/// The stage `upstream | buffer(n)`: the upstream's values in order (as `stored_value_t`),
/// then its end or failure. On a scheduler the upstream runs ahead as its own flow (started
/// on the consumer's scheduler at the first pull) and keeps up to `n` values the consumer has
/// not taken yet: it parks while the buffer is full, the consumer parks while it is empty.
/// Where no scheduler runs the flow (`block`, a pull loop, a worker thread of `threaded`, the
/// Asio driver) there is no flow to run ahead: the stage pulls the upstream through, giving
/// the same values and the failure at the same place. A consumer that stops early destroys
/// the upstream at once; its flow then finishes. `Fixed` is `n` when known at compile time
/// (`buffer(std::integral_constant<std::size_t, 8>{})`), 0 otherwise.
template <stage S, std::size_t Fixed = 0>
class buffer_stage : public stage_base<S> {
  using state = detail::buffer_state<S>;

 public:
  using value_type = stored_value_t<S>;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "buffer";
  static constexpr std::size_t buffer_bound =
      Fixed == 0 ? unbounded : detail::add_bounds(buffer_bound_v<S>, Fixed);

  /// Throws std::invalid_argument when `n` is 0.
  buffer_stage(S up, std::size_t n)
      : st_{std::make_shared<state>(std::move(up), detail::checked_count("buffer", n, 1))} {}
  buffer_stage(buffer_stage&& o) noexcept : st_{std::move(o.st_)}, mode_{o.mode_} {}
  buffer_stage& operator=(buffer_stage&&) = delete;
  ~buffer_stage() {
    if (st_) st_->close();
  }

  step<value_type> next() {
    if (mode_ == mode::first) start();
    return mode_ == mode::beside ? st_->take() : st_->pass();
  }

  /// The stage over `f(upstream)` (see `with_upstreams` in coflow/core/stage.hpp).
  template <class F>
  auto with_upstreams(F&& f) && {
    return buffer_stage<detail::rebuilt_t<F, S>, Fixed>{f(*std::move(st_->up)), st_->capacity};
  }

  /// How many values this stage and its upstreams hold at most (also for a run-time n).
  [[nodiscard]] std::size_t max_buffered() const noexcept {
    return detail::add_bounds(buffer_bound_v<S>, st_->capacity);
  }

 private:
  enum class mode : unsigned char { first, beside, through };

  void start() {
    std::unique_ptr<side_flow> producer = std::make_unique<detail::buffer_producer<S>>(st_);
    mode_ = current_waker().start_beside(producer) ? mode::beside : mode::through;
  }

  std::shared_ptr<state> st_;
  mode mode_ = mode::first;
};

struct buffer_fn {
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n) {
    return buffer_stage<std::remove_cvref_t<S>>{std::forward<S>(up), n};
  }
  template <class S, std::size_t N>
  static constexpr auto apply(S&& up, std::integral_constant<std::size_t, N>) {
    return buffer_stage<std::remove_cvref_t<S>, N>{std::forward<S>(up), N};
  }

  /// `buffer(n)` throws std::invalid_argument when `n` is less than 1; a capacity known at
  /// compile time (`std::integral_constant`) is checked at compile time and gives a static
  /// `buffer_bound`.
  template <class N>
  constexpr auto operator()(N n) const {
    if constexpr (requires { requires std::integral<std::remove_cv_t<decltype(N::value)>>; }) {
      if constexpr (std::cmp_less(N::value, 1)) {
        static_assert(detail::always_false<N>, "coflow::buffer: the capacity must be at least 1");
        return detail::ill_formed{};
      } else {
        return make_closure<buffer_fn>(std::integral_constant<std::size_t, N::value>{});
      }
    } else if constexpr (!std::integral<N>) {
      static_assert(detail::always_false<N>, "coflow::buffer: the capacity must be an integer");
      return detail::ill_formed{};
    } else {
      return make_closure<buffer_fn>(detail::checked_count("buffer", n, 1));
    }
  }
};

/// `src | coflow::buffer(n)`: lets `src` run up to `n` values ahead of a slower consumer on
/// the same scheduler (see buffer_stage).
///
///     auto d = sched.spawn(parse(lines) | coflow::buffer(16) | coflow::map(store));
inline constexpr buffer_fn buffer{};

}  // namespace coflow
