// SPDX-License-Identifier: BSL-1.0
// coflow/threads/threaded.hpp - a blocking iterable run on a worker thread, as a stage.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "coflow/core/cooperate.hpp"
#include "coflow/core/failure.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/step.hpp"
#include "coflow/core/waker.hpp"
#include "coflow/detail/chrono.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/ranges.hpp"
#include "coflow/detail/stop_token.hpp"
#include "coflow/threads/spsc_ring.hpp"

namespace coflow {

/// How a `threaded` source buffers. Values outside the limits are clamped to them.
struct threaded_options {
  /// Ring slots between the worker and the flow (rounded up to a power of two). A full ring
  /// blocks the worker: that is the backpressure.
  std::size_t capacity = 1024;
  /// Most values published in one go when the factory's range is all ready at once (a
  /// contiguous range such as a `std::vector`). Values from other sources are published one
  /// by one as they come, since the next one may take any time; the flow side reads them in
  /// batches either way.
  std::size_t batch = 64;
  /// Start the worker when the stage is built, not on its first pull.
  bool eager = false;

  // Limits on the options, so that a mistaken value cannot allocate without bound; far above
  // the sizes that still make a hand-off cheaper.
  static constexpr std::size_t max_capacity = std::size_t{1} << 20;
  static constexpr std::size_t max_batch = std::size_t{1} << 16;
};

namespace detail {
struct instrument_access;  // coflow/profiling/instrument.hpp rebuilds a stage with a counting probe

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class F>
decltype(auto) call_factory(F& f, stop_token st) {
  if constexpr (std::is_invocable_v<F&, stop_token>)
    return std::invoke(f, std::move(st));
  else
    return std::invoke(f);
}

template <class F>
concept callable_factory = std::is_invocable_v<F&> || std::is_invocable_v<F&, stop_token>;

template <class R>
concept blocking_range = std::ranges::input_range<std::remove_reference_t<R>>;

template <class R>
concept blocking_next = !blocking_range<R> && std::is_invocable_v<std::remove_reference_t<R>&> &&
                        is_optional_v<std::remove_cvref_t<std::invoke_result_t<std::remove_reference_t<R>&>>>;

template <class F>
struct factory_traits {
  static constexpr bool valid = false;
};
template <callable_factory F>
struct factory_traits<F> {
  using result = decltype(call_factory(std::declval<F&>(), std::declval<stop_token>()));
  static constexpr bool valid = blocking_range<result> || blocking_next<result>;
};

template <class R>
struct produced_value {
  using type = void;
};
template <blocking_range R>
struct produced_value<R> {
  using type = std::ranges::range_value_t<std::remove_reference_t<R>>;
};
template <blocking_next R>
struct produced_value<R> {
  using type = typename std::remove_cvref_t<std::invoke_result_t<std::remove_reference_t<R>&>>::value_type;
};

template <class F>
concept threaded_factory = factory_traits<F>::valid;

/// What the worker gives: the values of the range, or of the optionals `next()` returns.
template <threaded_factory F>
using threaded_value_t = typename produced_value<typename factory_traits<F>::result>::type;

/// What a threaded stage's worker reports: by default nothing, at no cost (every use is an
/// `if constexpr`); `counting_ring_probe` for an instrumented flow (coflow/profiling/instrument.hpp).
struct no_ring_probe {
  static constexpr bool counts = false;
};

/// The worker's counts: the most items the ring held after a push, and the time the worker
/// waited for room in it. Written by the worker only; read with relaxed loads.
struct ring_counters {
  std::atomic<std::size_t> high_water{0};
  std::atomic<std::chrono::nanoseconds::rep> blocked_ns{0};
};

struct counting_ring_probe {
  static constexpr bool counts = true;
  std::shared_ptr<ring_counters> counters;

  void filled(std::size_t n) const noexcept {
    if (n > counters->high_water.load(std::memory_order_relaxed))
      counters->high_water.store(n, std::memory_order_relaxed);
  }
  void blocked(std::chrono::nanoseconds d) const noexcept {
    counters->blocked_ns.fetch_add(d.count(), std::memory_order_relaxed);
  }
};

/// What the worker and the flow share. It outlives both: the worker holds it until it ends.
template <class V, class Probe = no_ring_probe>
class threaded_state {
 public:
  explicit threaded_state(std::size_t capacity) : ring{capacity} {}

  spsc_ring<V> ring;
  std::exception_ptr error;  // written before ring.close(), read after seeing it closed

  /// The flow side, before it parks.
  void park_with(const waker& w) {
    {
      std::lock_guard lock{mutex_};
      if (!(waker_ == w)) waker_ = w;
    }
    parked_.store(true, std::memory_order_seq_cst);
    fences_.heavy();
  }
  void unpark() noexcept { parked_.store(false, std::memory_order_relaxed); }

  /// The worker, after it published: wakes the flow only if it parked (one flag check; the
  /// fence pairs with the one in `park_with`, so a park racing with a publish is seen).
  void wake_if_parked() noexcept {
    fences_.light();
    if (parked_.load(std::memory_order_relaxed) && parked_.exchange(false)) {
      waker w;
      {
        std::lock_guard lock{mutex_};
        w = waker_;
      }
      w.wake();
    }
  }

 private:
  dekker_fences fences_;
  alignas(cache_line) std::atomic<bool> parked_{false};
  std::mutex mutex_;  // guards waker_; taken only around a park
  waker waker_;

 public:
  [[no_unique_address]] Probe probe;  // last: no_ring_probe takes no room
};

// The flow side's view of a ring item: itself, or (flattened) a chunk of values.
template <class I, bool Flatten>
struct chunk_traits {
  struct none {};
  using value_type = I;
  using iterator = none;
  using sentinel = none;
};
template <std::ranges::input_range I>
struct chunk_traits<I, true> {
  using value_type = std::ranges::range_value_t<I>;
  using iterator = std::ranges::iterator_t<I>;
  using sentinel = std::ranges::sentinel_t<I>;
};

// Publishes `left` ready items from `first` in batches of at most `batch` (and never more
// than the ring holds). The flow is woken after every publication and before the worker
// waits for room: a flow parked on an empty ring must not wait for a worker that waits for it.
// Waits for room in the ring (false: stopped); a counting probe gets the time waited.
template <class V, class P>
bool wait_for_room(threaded_state<V, P>& s) {
  if constexpr (P::counts) {
    const auto t0 = std::chrono::steady_clock::now();
    const bool room = s.ring.wait_for_space(1);
    s.probe.blocked(std::chrono::steady_clock::now() - t0);
    return room;
  } else {
    return s.ring.wait_for_space(1);
  }
}

template <class V, class P, class It>
void publish_ready(const stop_token& st, threaded_state<V, P>& s, It& first, std::size_t left,
                   std::size_t batch) {
  batch = std::min(batch, s.ring.capacity());
  while (left != 0 && !st.stop_requested()) {
    const std::size_t pushed = s.ring.try_push_n(first, std::min(left, batch));  // advances `first`
    if (pushed != 0) {
      if constexpr (P::counts) s.probe.filled(s.ring.size_approx());
      s.wake_if_parked();
      left -= pushed;
    } else if (!wait_for_room(s)) {
      return;  // stopped
    }
  }
}

// The ring's push, and with a counting probe the same loop timing its waits.
template <class V, class P, class U>
bool push_one(threaded_state<V, P>& s, U&& v) {
  if constexpr (P::counts) {
    while (!s.ring.try_push(std::forward<U>(v)))  // takes `v` only when it succeeds
      if (!wait_for_room(s)) return false;
    s.probe.filled(s.ring.size_approx());
    return true;
  } else {
    return s.ring.push(std::forward<U>(v));
  }
}

// Publishes one value, waiting while the ring is full; false when the flow went away.
template <class V, class P, class U>
bool publish_one(const stop_token& st, threaded_state<V, P>& s, U&& v) {
  if (!push_one(s, std::forward<U>(v))) return false;
  s.wake_if_parked();
  return !st.stop_requested();
}

// A range the factory made (`R` is not a reference) is the worker's: its elements are moved
// out. A view or a referenced range is copied from.
template <class R>
inline constexpr bool moves_out_v =
    !std::is_reference_v<R> && !std::ranges::view<std::remove_cv_t<std::remove_reference_t<R>>> &&
    !std::is_const_v<std::remove_reference_t<R>>;

// A contiguous sized range is ready as a whole: it goes in batches. Items are moved from a
// pointer to non-const, copied from a pointer to const.
template <bool MovesOut, class V, class P, class D>
void publish_contiguous(const stop_token& st, threaded_state<V, P>& s, D& src, std::size_t batch) {
  auto* first = [&] {
    if constexpr (MovesOut)
      return std::ranges::data(src);
    else
      return std::ranges::cdata(src);
  }();
  publish_ready(st, s, first, std::ranges::size(src), batch);
}

// Any other range: each element as soon as the range gives it.
template <bool MovesOut, class V, class P, class D>
void publish_range(const stop_token& st, threaded_state<V, P>& s, D& src) {
  auto end = std::ranges::end(src);
  for (auto it = std::ranges::begin(src); it != end; ++it) {
    bool more;
    if constexpr (MovesOut)
      more = publish_one(st, s, std::ranges::iter_move(it));
    else
      more = publish_one(st, s, *it);
    if (!more) break;
  }
}

// A `next()`-style callable: each value as soon as a call returns it, until an empty optional.
template <class V, class P, class N>
void publish_calls(const stop_token& st, threaded_state<V, P>& s, N& next) {
  for (;;) {
    auto o = next();
    if (!o || !publish_one(st, s, std::move(*o))) break;
  }
}

// The worker publishes each value as soon as it has it: the next call into the source may
// block for any time, and a value held back meanwhile would be late (or, with a source that
// waits for the flow, never come). Values that are all ready at once (a contiguous range the
// factory returned) go in batches of up to `batch`, with one index publication each.
template <class V, class P, class Factory>
void run_worker(stop_token st, Factory& factory, threaded_state<V, P>& s, std::size_t batch) {
  try {
    if (!st.stop_requested()) {
      decltype(auto) src = call_factory(factory, st);
      using R = decltype(src);
      using D = std::remove_reference_t<R>;
      if constexpr (!blocking_range<R>)
        publish_calls(st, s, src);
      else if constexpr (std::ranges::contiguous_range<D> && std::ranges::sized_range<D>)
        publish_contiguous<moves_out_v<R>>(st, s, src, batch);
      else
        publish_range<moves_out_v<R>>(st, s, src);
    }
  } catch (...) {
    s.error = std::current_exception();  // after every value given so far
  }
  s.ring.close();
  s.wake_if_parked();
}

}  // namespace detail

/// The stage of `threaded(factory)` (and, with `Flatten`, of `threaded_chunks(factory)`).
///
/// The worker thread starts on the first pull (or at construction with `options.eager`), calls
/// `factory` there, and pushes what it produces through an `spsc_ring` as soon as it has it
/// (see `run_worker`). The flow side reads what is ready in place and frees it in batches;
/// when the ring is empty it waits briefly for the worker (adaptively, see `waited_for_items`), then
/// parks and the worker wakes it when it publishes. Dropping the stage stops the
/// worker (its `coflow::stop_token` is requested, a worker blocked on a full ring is woken) and joins it.
template <class Factory, bool Flatten, class Probe = detail::no_ring_probe>
class threaded_stage : public stage_base<> {
  using item_type = detail::threaded_value_t<Factory>;  // what crosses the ring
  using state_type = detail::threaded_state<item_type, Probe>;
  friend struct detail::instrument_access;

  static constexpr bool moves_out_of_chunk() {
    if constexpr (Flatten)
      return !std::ranges::view<item_type>;
    else
      return true;
  }
  using chunk = detail::chunk_traits<item_type, Flatten>;

 public:
  using value_type = typename chunk::value_type;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  /// The most the ring and a batch in flight can hold under any options (items; chunks are
  /// unbounded in size). `buffer_capacity()` gives the bound of this stage's options.
  static constexpr std::size_t buffer_bound =
      Flatten ? unbounded : threaded_options::max_capacity + threaded_options::max_batch;
  static constexpr std::string_view stage_name = Flatten ? "threaded_chunks" : "threaded";

  threaded_stage(Factory f, threaded_options o) : factory_{std::in_place, std::move(f)}, opts_{clamp(o)} {
    if (opts_.eager) start();
  }
  /// With a probe that counts (`instrument` builds it): the worker reports into `p`.
  threaded_stage(Factory f, threaded_options o, Probe p)
    requires(Probe::counts)
      : factory_{std::in_place, std::move(f)}, opts_{clamp(o)}, probe_{std::move(p)} {
    if (opts_.eager) start();
  }
  // A moved-from stage is empty: pulling it gives `done`, dropping it does nothing.
  threaded_stage(threaded_stage&& o) noexcept(std::is_nothrow_move_constructible_v<Factory>)
      : factory_{std::move(o.factory_)},
        opts_{o.opts_},
        state_{std::move(o.state_)},
        span_{std::exchange(o.span_, {})},
        pos_{std::exchange(o.pos_, 0)},
        it_{std::move(o.it_)},
        end_{std::move(o.end_)},
        in_chunk_{std::exchange(o.in_chunk_, false)},
        spin_limit_{o.spin_limit_},
        probe_{o.probe_},
        worker_{std::move(o.worker_)} {
    o.factory_.reset();
  }
  threaded_stage& operator=(threaded_stage&&) = delete;
  ~threaded_stage() { stop(); }

  step<value_type> next() {
    // The fast path, small enough to be inlined into the loop that pulls: the next value read
    // in place. The rest (the first pull, refills, waits, the end) is `next_slow`.
    if (has_ready()) [[likely]]
      return take_ready();
    return next_slow();
  }

  /// Starts the worker now (a no-op once started).
  void start() {
    if (state_ || !factory_) return;
    auto s = std::make_shared<state_type>(opts_.capacity);
    if constexpr (Probe::counts) s->probe = probe_;
    worker_ = jthread{[f = std::move(*factory_), s, batch = opts_.batch](stop_token st) mutable {
      detail::run_worker<item_type>(std::move(st), f, *s, batch);
    }};
    factory_.reset();
    state_ = std::move(s);
  }

  /// Items this stage may hold at once: the ring and one batch in flight.
  [[nodiscard]] std::size_t buffer_capacity() const noexcept {
    return spsc_ring<item_type>::capacity_for(opts_.capacity) + opts_.batch;
  }

 private:
  // A value read in place is ready: the next element of the chunk, or of the span taken.
  [[nodiscard]] bool has_ready() const noexcept {
    if constexpr (Flatten)
      return in_chunk_ && it_ != end_;
    else
      return pos_ < span_.size();
  }
  step<value_type> take_ready() {
    if constexpr (Flatten)
      return take_from_chunk();
    else
      return step<value_type>(std::move(span_[pos_++]));
  }

  [[gnu::noinline]] step<value_type> next_slow() {
    if (!state_) [[unlikely]] {
      if (!factory_) return done;  // moved from
      if (failure f = start_on_first_pull()) return f;
    }
    for (;;) {
      if (has_ready()) return take_ready();
      if constexpr (Flatten) {
        if (enter_next_chunk()) continue;
      }
      if (refill()) continue;
      if (state_->ring.closed()) {
        if (refill()) continue;  // what was published before the close
        return end_of_stream();
      }
      waker w = current_waker();
      if (!w) return cooperate{detached_retry};
      if (waited_for_items()) continue;
      if (parks(w)) return cooperate::park();
    }
  }

  static threaded_options clamp(threaded_options o) noexcept {
    o.capacity = std::clamp<std::size_t>(o.capacity, 1, threaded_options::max_capacity);
    o.batch = std::clamp<std::size_t>(o.batch, 1, threaded_options::max_batch);
    return o;
  }

  // Pulled outside any driver (no waker to wake), the stage asks to be pulled again after this:
  // short, so that a value published meanwhile is not held up for long (a driver's flow
  // parks instead, and is woken at once).
  static constexpr auto detached_retry = std::chrono::microseconds{100};

  // How long the flow waits for the worker before it parks: adaptive between these limits.
  static constexpr std::chrono::nanoseconds min_spin = std::chrono::microseconds{1};
  static constexpr std::chrono::nanoseconds max_spin = detail::ring_spin_time;
  // The wait looks at the ring once per this many pauses (a power of two), not at every one:
  // each look takes the cache line the worker writes its index to.
  static constexpr unsigned pauses_per_look = 16;

  // The first pull starts the worker; a worker that cannot be started fails the flow (an
  // empty failure: it started). Not a call back into `next()`, which would make `next()`
  // recursive, and the compiler would no longer inline it into the loop that pulls it.
  failure start_on_first_pull() {
    try {
      start();
    } catch (...) {
      factory_.reset();
      return failure::current();
    }
    return {};
  }

  // The next element of the chunk being flattened.
  step<value_type> take_from_chunk() {
    // Built in place in the step: one move (or copy) of the element, not two.
    step<value_type> s = [this] {
      if constexpr (moves_out_of_chunk())
        return step<value_type>(std::in_place, std::ranges::iter_move(it_));
      else
        return step<value_type>(std::in_place, *it_);
    }();
    ++it_;
    return s;
  }
  // Leaves the chunk that is used up and enters the next one of the batch; false when the
  // batch is used up.
  bool enter_next_chunk() {
    if (in_chunk_) {
      in_chunk_ = false;
      ++pos_;
    }
    if (pos_ >= span_.size()) return false;
    it_ = std::ranges::begin(span_[pos_]);
    end_ = std::ranges::end(span_[pos_]);
    in_chunk_ = true;
    return true;
  }

  // The batch read in place is used up: frees it (one head publication per batch) and takes
  // what is ready now, after waiting briefly for a batch while the worker is still adding
  // items (`gather`). False when nothing is.
  bool refill() {
    if (!span_.empty()) {
      state_->ring.release(span_.size());
      span_ = {};
      pos_ = 0;
    }
    auto& ring = state_->ring;
    if (const std::size_t n = ring.size_approx(); n != 0 && n < opts_.batch && !ring.closed()) gather(n);
    span_ = ring.peek();
    return !span_.empty();
  }

  // The ring is closed and drained: the worker's failure, if it had one, else the end.
  step<value_type> end_of_stream() {
    if (state_->error) return failure{std::exchange(state_->error, nullptr)};
    return done;
  }

  // Before it parks, the flow waits for the worker a little, for as long as waiting lately
  // paid off: a wait that ends with items doubles the next one's limit, one that ends in a
  // park halves it. A park costs a process-wide fence (`dekker_fences::heavy`) and, when the
  // flow sleeps, a futex round trip on each side, which a worker that is only just behind
  // makes needless; a worker that is really slow costs a flow (or a scheduler thread) at most
  // `min_spin` per park. Once items come, the wait goes on while their number still grows, up
  // to a batch: a worker that publishes item by item is then read in batches, not at the cost
  // of a cache-line transfer per item. True when there is something to read (or the end).
  bool waited_for_items() noexcept {
    if (gather(0) == 0 && !state_->ring.closed()) {
      spin_limit_ = std::max(spin_limit_ / 2, min_spin);
      return false;
    }
    spin_limit_ = std::min(spin_limit_ * 2, max_spin);
    return true;
  }

  // Spins while the worker still adds items (`seen` are ready now), until a batch is ready,
  // the ring is closed, or the spin limit is reached; gives how many items are ready.
  std::size_t gather(std::size_t seen) noexcept {
    static_assert(std::has_single_bit(pauses_per_look));
    auto& ring = state_->ring;
    detail::spinner s{spin_limit_, 0};
    for (unsigned i = 1; s.spin(); ++i) {
      if ((i & (pauses_per_look - 1)) != 0) continue;
      const std::size_t n = ring.size_approx();
      if ((n != 0 && (n == seen || n >= opts_.batch)) || ring.closed()) return n;
      seen = n;
    }
    return ring.size_approx();
  }

  // Announces the park, then looks at the ring again: a value (or the close) published in
  // between is seen here, so no wake-up is lost. False when there is something to read (or
  // the end) after all, and the flow must not park.
  bool parks(const waker& w) {
    state_->park_with(w);
    span_ = state_->ring.peek();
    if (span_.empty() && !state_->ring.closed()) return true;
    state_->unpark();
    return false;
  }

  void stop() noexcept {
    if (!worker_.joinable()) return;
    worker_.request_stop();
    state_->ring.stop();  // wakes a worker blocked on a full ring
    worker_.join();       // a worker inside a blocking call finishes that call first
  }

  std::optional<Factory> factory_;  // until the worker takes it
  threaded_options opts_;
  std::shared_ptr<state_type> state_;
  std::span<item_type> span_;  // items read in place from the ring; the first pos_ are taken
  std::size_t pos_ = 0;
  [[no_unique_address]] typename chunk::iterator it_{};
  [[no_unique_address]] typename chunk::sentinel end_{};
  bool in_chunk_ = false;
  std::chrono::nanoseconds spin_limit_ = max_spin;  // see waited_for_items
  [[no_unique_address]] Probe probe_;               // given to the worker's state at start
  jthread worker_;                                  // last: joined (by stop()) before the members above go
};

struct threaded_fn {
  /// `threaded(factory, options)`: a source whose values a worker thread produces.
  /// `factory` is called on the worker thread (with a `coflow::stop_token` if it takes one) and
  /// returns a blocking range, or a callable whose `next()`-style call returns
  /// `std::optional<V>` (empty: the end). An exception on the worker arrives as a failure
  /// after every value produced before it.
  ///
  ///     auto lines = coflow::threaded([path] { return read_lines(path); });
  ///     for (auto& line : coflow::block(lines)) use(line);
  template <class F>
  auto operator()(F factory, threaded_options options = {}) const {
    if constexpr (!detail::threaded_factory<F>) {
      static_assert(detail::always_false<F>,
                    "coflow::threaded: the factory must be callable with no arguments (or with a "
                    "coflow::stop_token) and return a range or a callable returning std::optional<V>");
      return detail::ill_formed{};
    } else {
      return threaded_stage<F, false>{std::move(factory), options};
    }
  }
};

/// A threaded source: see `threaded_fn`.
inline constexpr threaded_fn threaded{};

struct threaded_chunks_fn {
  /// `threaded_chunks(factory, options)`: like `threaded`, for a factory whose items are
  /// chunks (ranges such as `std::vector<V>`, e.g. rows fetched many at a time). Each chunk
  /// crosses the ring as one item; the flow gets the chunks' elements one by one.
  /// (`threaded(factory)` over the same factory tunnels the chunks unchanged.)
  ///
  ///     auto rows = coflow::threaded_chunks([&] { return fetch_many(cursor, 500); });
  template <class F>
  auto operator()(F factory, threaded_options options = {}) const {
    if constexpr (!detail::threaded_factory<F>) {
      static_assert(detail::always_false<F>,
                    "coflow::threaded_chunks: the factory must be callable with no arguments (or "
                    "with a coflow::stop_token) and return a range or a callable returning "
                    "std::optional<V>");
      return detail::ill_formed{};
    } else if constexpr (!std::ranges::input_range<detail::threaded_value_t<F>>) {
      static_assert(detail::always_false<F>,
                    "coflow::threaded_chunks: the factory's items are not chunks (ranges such as "
                    "std::vector<V>); use coflow::threaded");
      return detail::ill_formed{};
    } else {
      return threaded_stage<F, true>{std::move(factory), options};
    }
  }
};

/// A threaded source of chunks, flattened: see `threaded_chunks_fn`.
inline constexpr threaded_chunks_fn threaded_chunks{};

}  // namespace coflow
