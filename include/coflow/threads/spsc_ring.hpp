// SPDX-License-Identifier: BSL-1.0
// coflow/threads/spsc_ring.hpp - a bounded lock-free single-producer/single-consumer ring.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>

#include "coflow/detail/chrono.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <emmintrin.h>  // _mm_pause; <immintrin.h> holds every x86 intrinsic (docs/benchmarks.md)
#endif
// Define COFLOW_NO_MEMBARRIER to use symmetric fences (see dekker_fences) everywhere.
#if defined(__linux__) && __has_include(<linux/membarrier.h>) && !defined(COFLOW_NO_MEMBARRIER)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#define COFLOW_HAS_MEMBARRIER 1
#else
#define COFLOW_HAS_MEMBARRIER 0
#endif

namespace coflow {

namespace detail {

// The size of a cache line, for keeping the producer's and the consumer's data apart.
// libstdc++ 12 defines the constant but g++ warns when it is used in a header (its value may
// differ between translation units); 64 is right for x86-64 and most ARM cores.
inline constexpr std::size_t cache_line = 64;

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// How long a blocked side spins before it sleeps in the kernel: about what a kernel sleep and
// wake-up costs (docs/benchmarks.md), so the spin catches a peer that is only briefly behind
// and never wastes more than the sleep it saves.
inline constexpr std::chrono::microseconds ring_spin_time{20};
// Then a few `yield`s: a peer that was descheduled may run on this core before we sleep.
inline constexpr int ring_spin_yields = 8;
// The spin reads the clock once per this many pauses (a power of two, tested with a mask), so
// it is mostly `pause`, which leaves the core to the other hardware thread.
inline constexpr std::uint32_t ring_pauses_per_clock_read = 64;

/// The waiting policy of the ring's blocking calls: `pause` for about `ring_spin_time`, then
/// a few `yield`s; `spin()` gives false when it is time to sleep.
/// A spinner made with a shorter `limit` pauses for that long instead, and one made with
/// `yields = 0` then gives up without yielding.
class spinner {
  static_assert(std::has_single_bit(ring_pauses_per_clock_read));

 public:
  spinner() noexcept = default;
  explicit spinner(std::chrono::nanoseconds limit, int yields = ring_spin_yields) noexcept
      : limit_{limit}, max_yields_{yields} {}

  bool spin() noexcept {
    if (yields_ == 0) {
      cpu_relax();
      if ((++pauses_ & (ring_pauses_per_clock_read - 1)) != 0) return true;
      const auto now = std::chrono::steady_clock::now();
      if (pauses_ == ring_pauses_per_clock_read) start_ = now;
      if (now - start_ < limit_) return true;
    }
    if (yields_ >= max_yields_) return false;
    ++yields_;
    std::this_thread::yield();
    return true;
  }

 private:
  std::chrono::nanoseconds limit_ = ring_spin_time;
  int max_yields_ = ring_spin_yields;
  std::uint32_t pauses_ = 0;
  int yields_ = 0;
  std::chrono::steady_clock::time_point start_{};
};

/// The two fences of a sleep/wake hand-shake ("I sleep" flag against "I published" index).
/// Each side stores, fences, then loads what the other stored; one of them must see the
/// other's store. The publishing side runs per item, the sleeping side rarely, so the fence
/// is made asymmetric where Linux offers `membarrier`: the publisher pays only a compiler
/// fence, and the sleeper a process-wide barrier, one system call per sleep (its costs are in
/// docs/benchmarks.md). Elsewhere both sides use a full fence.
class dekker_fences {
 public:
  dekker_fences() noexcept : asymmetric_{membarrier_ready()} {}

  /// On the hot side, between its store and its load.
  void light() const noexcept {
    if (asymmetric_)
      std::atomic_signal_fence(std::memory_order_seq_cst);
    else
      std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  /// On the side about to sleep, between its store and its load.
  void heavy() const noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);
#if COFLOW_HAS_MEMBARRIER
    if (asymmetric_) ::syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0);
#endif
  }

 private:
  static bool membarrier_ready() noexcept {
#if COFLOW_HAS_MEMBARRIER
    static const bool ready = [] {
      const long cmds = ::syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0);
      return cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
             ::syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0;
    }();
    return ready;
#else
    return false;
#endif
  }

  bool asymmetric_;
};

}  // namespace detail

/// A bounded, lock-free queue between one producer thread and one consumer thread.
///
/// The capacity is rounded up to a power of two (at least 2). Head and tail live on separate
/// cache lines and each side caches the other's index, so a push or a pop touches the other
/// side's line only when its cached view says the ring is full (or empty). The bulk calls
/// (`try_push_n`, `push_n`, `try_pop_n`, `consume_n`, `peek`/`release`) publish the index once
/// per batch, which is what makes a hand-off cheap.
///
/// The blocking calls (`push`, `push_n`, `pop`, `pop_n`) spin briefly and then sleep in the
/// kernel with `std::atomic::wait`. A side that goes to sleep first announces it with a flag;
/// the other side pays a `notify_one` only when that flag is set, never per item otherwise.
///
/// End of stream: the producer calls `close()`; the consumer's blocking calls return what is
/// left and then report the end. Going away early: the consumer calls `stop()`, which wakes a
/// producer blocked on a full ring and makes every later push fail.
///
///     coflow::spsc_ring<std::uint64_t> ring{1024};
///     coflow::jthread producer{[&] {
///       for (std::uint64_t i = 0; i < n; ++i) ring.push(i);
///       ring.close();
///     }};
///     while (auto v = ring.pop()) use(*v);
///
/// Works for move-only `T`; the items left in the ring when it is destroyed are destroyed.
template <class T>
class spsc_ring {
  static_assert(std::is_nothrow_destructible_v<T>, "coflow::spsc_ring: T must be nothrow destructible");

 public:
  using value_type = T;

  /// The fewest slots: with one, the two sides could only take turns, item by item.
  static constexpr std::size_t min_capacity = 2;
  /// The capacity a ring built with `requested` has: a power of two, so a mask maps an index
  /// to its slot.
  static constexpr std::size_t capacity_for(std::size_t requested) noexcept {
    return std::bit_ceil(requested < min_capacity ? min_capacity : requested);
  }

  explicit spsc_ring(std::size_t capacity)
      : mask_{capacity_for(capacity) - 1}, slots_{std::allocator<T>{}.allocate(mask_ + 1)} {}

  spsc_ring(const spsc_ring&) = delete;
  spsc_ring& operator=(const spsc_ring&) = delete;

  ~spsc_ring() {
    const std::size_t tail = prod_.tail.load(std::memory_order_acquire);
    for (std::size_t i = cons_.head.load(std::memory_order_relaxed); i != tail; ++i) std::destroy_at(at(i));
    std::allocator<T>{}.deallocate(slots_, mask_ + 1);
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

  /// Items in the ring right now (exact only when neither side is running).
  [[nodiscard]] std::size_t size_approx() const noexcept {
    const std::size_t head = cons_.head.load(std::memory_order_acquire);
    const std::size_t tail = prod_.tail.load(std::memory_order_acquire);
    return tail - head;
  }
  [[nodiscard]] bool empty_approx() const noexcept { return size_approx() == 0; }

  // ---- producer side ----------------------------------------------------------------------

  /// Constructs one item in place; false when the ring is full (or stopped).
  template <class... A>
  bool try_emplace(A&&... args) {
    const std::size_t tail = prod_.tail.load(std::memory_order_relaxed);
    if (tail - prod_.head_cache == capacity()) {
      prod_.head_cache = cons_.head.load(std::memory_order_acquire);
      if (tail - prod_.head_cache == capacity()) return false;
    }
    if (stopped()) return false;
    ::new (static_cast<void*>(at(tail))) T(std::forward<A>(args)...);
    publish_tail(tail + 1);
    return true;
  }
  template <class U = T>
  bool try_push(U&& v) {
    return try_emplace(std::forward<U>(v));
  }

  /// Moves up to `n` items from `first` into the ring (as many as fit), publishing once.
  /// Returns how many were taken; `first` is advanced past them when passed by reference.
  template <class It>
    requires std::input_iterator<std::remove_cvref_t<It>>
  std::size_t try_push_n(It&& first, std::size_t n) {
    if (stopped()) return 0;
    const std::size_t tail = prod_.tail.load(std::memory_order_relaxed);
    std::size_t free = capacity() - (tail - prod_.head_cache);
    if (free < n) {
      prod_.head_cache = cons_.head.load(std::memory_order_acquire);
      free = capacity() - (tail - prod_.head_cache);
    }
    const std::size_t k = n < free ? n : free;
    if (k == 0) return 0;
    std::size_t i = 0;
    try {
      for (; i < k; ++i, ++first) ::new (static_cast<void*>(at(tail + i))) T(std::ranges::iter_move(first));
    } catch (...) {
      if (i) publish_tail(tail + i);  // what was constructed is in the ring
      throw;
    }
    publish_tail(tail + k);
    return k;
  }

  /// Pushes one item, waiting while the ring is full. False (and `v` untouched) when the
  /// consumer stopped the ring.
  template <class U = T>
  bool push(U&& v) {
    for (;;) {
      if (try_emplace(std::forward<U>(v))) return true;
      if (!wait_for_space(1)) return false;
    }
  }

  /// Pushes all `n` items from `first`, waiting for room as needed (publishing what fits each
  /// time). Returns `n`, or fewer when the consumer stopped the ring.
  template <class It>
    requires std::input_iterator<std::remove_cvref_t<It>>
  std::size_t push_n(It&& first, std::size_t n) {
    std::size_t pushed = 0;
    while (pushed < n) {
      pushed += try_push_n(first, n - pushed);
      if (pushed < n && !wait_for_space(1)) break;
    }
    return pushed;
  }

  /// The producer's end of stream: the consumer gets what is in the ring, then the end.
  void close() noexcept {
    closed_.store(true, std::memory_order_release);
    wake_consumer();
  }

  // ---- consumer side ----------------------------------------------------------------------

  /// Pops one item, if there is one.
  std::optional<T> try_pop() {
    std::optional<T> out;
    consume_n(1, [&](T&& v) { out.emplace(std::move(v)); });
    return out;
  }

  /// Moves up to `max` items to `out`, publishing the head once. Returns how many.
  template <class OutIt>
  std::size_t try_pop_n(OutIt out, std::size_t max) {
    return consume_n(max, [&](T&& v) {
      *out = std::move(v);
      ++out;
    });
  }

  /// Calls `f(T&&)` on up to `max` items in order, then frees their slots with one head
  /// publication. Returns how many. If `f` throws, the item it threw on and those before it
  /// are consumed.
  template <class F>
  std::size_t consume_n(std::size_t max, F&& f) {
    const std::size_t head = cons_.head.load(std::memory_order_relaxed);
    std::size_t avail = cons_.tail_cache - head;
    if (avail < max) {
      cons_.tail_cache = prod_.tail.load(std::memory_order_acquire);
      avail = cons_.tail_cache - head;
    }
    const std::size_t k = max < avail ? max : avail;
    if (k == 0) return 0;
    std::size_t i = 0;
    try {
      for (; i < k; ++i) {
        T* p = at(head + i);
        f(std::move(*p));
        std::destroy_at(p);
      }
    } catch (...) {
      std::destroy_at(at(head + i));
      publish_head(head + i + 1);
      throw;
    }
    publish_head(head + k);
    return k;
  }

  /// The items ready to be read, in place and contiguous (up to the end of the storage):
  /// read or move from them, then `release(n)` frees the first `n`. Lets a consumer take
  /// items one at a time while publishing its index once per batch.
  [[nodiscard]] std::span<T> peek() noexcept {
    const std::size_t head = cons_.head.load(std::memory_order_relaxed);
    if (cons_.tail_cache == head) cons_.tail_cache = prod_.tail.load(std::memory_order_acquire);
    const std::size_t avail = cons_.tail_cache - head;
    const std::size_t to_end = capacity() - (head & mask_);
    return {at(head), avail < to_end ? avail : to_end};
  }
  /// Destroys the first `n` items (all within the last `peek()`) and frees their slots.
  void release(std::size_t n) noexcept {
    const std::size_t head = cons_.head.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) std::destroy_at(at(head + i));
    publish_head(head + n);
  }

  /// Pops one item, waiting while the ring is empty; empty once the ring is closed and drained
  /// (or after this consumer called `stop()`).
  std::optional<T> pop() {
    for (;;) {
      if (auto v = try_pop()) return v;
      if (!wait_for_items()) return try_pop();
    }
  }

  /// Moves between 1 and `max` items to `out`, waiting while the ring is empty; 0 only once
  /// the ring is closed and drained.
  template <class OutIt>
  std::size_t pop_n(OutIt out, std::size_t max) {
    for (;;) {
      if (std::size_t k = try_pop_n(out, max)) return k;
      if (!wait_for_items()) return try_pop_n(out, max);
    }
  }

  /// The consumer goes away: wakes a producer blocked on a full ring; later pushes fail.
  void stop() noexcept {
    stopped_.store(true, std::memory_order_release);
    wake_producer();
  }

  [[nodiscard]] bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  [[nodiscard]] bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

  /// Waits until an item is ready (true) or the ring is closed and empty, or stopped (false).
  bool wait_for_items() {
    auto ready = [&] {
      return prod_.tail.load(std::memory_order_acquire) != cons_.head.load(std::memory_order_relaxed);
    };
    auto ended = [&] { return closed() || stopped(); };
    for (detail::spinner s; s.spin();) {
      if (ready()) return true;
      if (ended()) return ready();
    }
    for (;;) {
      // Announce the sleep, then look again: the producer publishes, fences, then reads the
      // flag, so one of the two sees the other (no lost wake-up).
      consumer_sleeping_.store(1, std::memory_order_seq_cst);
      fences_.heavy();
      if (ready() || ended()) {
        consumer_sleeping_.store(0, std::memory_order_relaxed);
        return ready();
      }
      consumer_sleeping_.wait(1, std::memory_order_acquire);
    }
  }

  /// Waits until `n` slots are free (true) or the ring is stopped (false).
  bool wait_for_space(std::size_t n) {
    auto room = [&] {
      const std::size_t tail = prod_.tail.load(std::memory_order_relaxed);
      prod_.head_cache = cons_.head.load(std::memory_order_acquire);
      return capacity() - (tail - prod_.head_cache) >= n;
    };
    for (detail::spinner s; s.spin();) {
      if (stopped()) return false;
      if (room()) return true;
    }
    for (;;) {
      producer_sleeping_.store(1, std::memory_order_seq_cst);
      fences_.heavy();
      if (stopped() || room()) {
        producer_sleeping_.store(0, std::memory_order_relaxed);
        return !stopped();
      }
      producer_sleeping_.wait(1, std::memory_order_acquire);
    }
  }

 private:
  // The storage is an array of T whose elements live only between a push and a pop.
  T* at(std::size_t i) const noexcept { return slots_ + (i & mask_); }

  void publish_tail(std::size_t tail) noexcept {
    prod_.tail.store(tail, std::memory_order_release);
    wake_consumer();
  }
  void publish_head(std::size_t head) noexcept {
    cons_.head.store(head, std::memory_order_release);
    wake_producer();
  }
  // The fence pairs with the sleeper's: after it, either we see its flag or it sees our index.
  void wake_consumer() noexcept {
    fences_.light();
    if (consumer_sleeping_.load(std::memory_order_relaxed) && consumer_sleeping_.exchange(0))
      consumer_sleeping_.notify_one();
  }
  void wake_producer() noexcept {
    fences_.light();
    if (producer_sleeping_.load(std::memory_order_relaxed) && producer_sleeping_.exchange(0))
      producer_sleeping_.notify_one();
  }

  // Written by the producer, read by the consumer when its cached tail runs out.
  struct alignas(detail::cache_line) producer_line {
    std::atomic<std::size_t> tail{0};
    std::size_t head_cache = 0;  // the producer's last view of `head`
  };
  // Written by the consumer, read by the producer when its cached head runs out.
  struct alignas(detail::cache_line) consumer_line {
    std::atomic<std::size_t> head{0};
    std::size_t tail_cache = 0;  // the consumer's last view of `tail`
  };

  // Read-only after construction: shared by both caches without traffic.
  alignas(detail::cache_line) std::size_t mask_;
  T* slots_;
  detail::dekker_fences fences_;
  producer_line prod_;
  consumer_line cons_;
  // Written rarely (a side going to sleep, the end): read in steady state, so kept off the
  // index lines.
  alignas(detail::cache_line) std::atomic<std::uint32_t> consumer_sleeping_{0};
  std::atomic<std::uint32_t> producer_sleeping_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace coflow
