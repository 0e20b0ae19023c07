// SPDX-License-Identifier: BSL-1.0
// Fuzzes coflow::spsc_ring against a std::deque: a random sequence of every producer and
// consumer call (single calls, bulk calls of any size, peek/release, consume_n, throwing
// items and callbacks, the blocking calls where they cannot block, close and stop), each
// return value and item checked; then, for some inputs, two threads passing a fixed number
// of items, checked for order and loss.
#include <coflow/threads/spsc_ring.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <thread>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using coflow_fuzz::check;

struct poisoned {};

// An item that owns heap memory (so that ASan sees a slot destroyed twice or read after its
// destruction), counts its instances (so that a leak shows) and, when poisoned, throws
// instead of being moved (to reach the ring's exception paths).
struct item {
  static inline std::atomic<long> live{0};  // both threads of the threaded phase count
  bool poison = false;
  std::unique_ptr<std::uint64_t> id;

  explicit item(std::uint64_t i, bool p = false) : poison{p}, id{std::make_unique<std::uint64_t>(i)} {
    ++live;
  }
  item(item&& o) : poison{movable(o)}, id{std::move(o.id)} { ++live; }
  item& operator=(item&& o) = default;
  ~item() { --live; }

  std::uint64_t value() const { return *id; }

 private:
  static bool movable(const item& o) {
    if (o.poison) throw poisoned{};
    return false;
  }
};

// The single-threaded phase: one ring and its model, driven one operation at a time.
class ring_model {
 public:
  ring_model(FuzzedDataProvider& in, std::size_t capacity)
      : in_{in}, ring_{capacity}, cap_{std::bit_ceil(std::max<std::size_t>(capacity, 2))} {}

  void run() {
    check(ring_.capacity() == cap_, "capacity: the next power of two, at least 2");
    while (in_.remaining_bytes() > 0) {
      operate(in_.ConsumeIntegralInRange(0u, 15u));
      check(ring_.size_approx() == model_.size(), "size_approx: exact when single-threaded");
      check(ring_.empty_approx() == model_.empty(), "empty_approx");
      check(ring_.closed() == closed_ && ring_.stopped() == stopped_, "closed/stopped");
    }
  }

 private:
  // One operation, chosen by the input; popping one item twice as often keeps the ring from
  // staying full.
  void operate(unsigned op) {
    using call = void (ring_model::*)();
    static constexpr call calls[] = {
        &ring_model::push_one,     &ring_model::emplace_one,    &ring_model::push_bulk,
        &ring_model::pop_one,      &ring_model::pop_bulk,       &ring_model::consume,
        &ring_model::peek_release, &ring_model::blocking_push,  &ring_model::blocking_push_n,
        &ring_model::blocking_pop, &ring_model::blocking_pop_n, &ring_model::waits,
        &ring_model::close,        &ring_model::stop,           &ring_model::pop_one,
        &ring_model::pop_one};
    (this->*calls[op % std::size(calls)])();
  }

  std::size_t free() const { return cap_ - model_.size(); }
  std::size_t bulk_size() { return in_.ConsumeIntegralInRange<std::size_t>(0, 2 * cap_ + 2); }

  // Checks that `got` holds the model's first items, then drops them from the model.
  void take(const std::vector<item>& got) {
    for (std::size_t i = 0; i < got.size(); ++i) check(got[i].value() == model_[i], "items in order");
    drop(got.size());
  }
  void drop(std::size_t n) {
    model_.erase(model_.begin(), model_.begin() + static_cast<std::ptrdiff_t>(n));
    popped_ += n;
  }

  void push_one() { push_single(false); }
  void emplace_one() { push_single(true); }
  void push_single(bool emplace) {
    const bool fits = !stopped_ && free() > 0;
    const std::uint64_t id = next_id_++;
    const bool ok = emplace ? ring_.try_emplace(id) : ring_.try_push(item{id});
    check(ok == fits, "try_push/try_emplace: true iff there is room and the ring is not stopped");
    if (ok) model_.push_back(id);
  }

  void close() {
    ring_.close();
    closed_ = true;
  }
  void stop() {
    ring_.stop();
    stopped_ = true;
  }

  // try_push_n takes what fits; a poisoned item throws, and the items before it stay pushed.
  void push_bulk() {
    const std::size_t n = bulk_size();
    const std::size_t poison_at = in_.ConsumeBool() ? in_.ConsumeIntegralInRange<std::size_t>(0, n) : n;
    std::vector<item> src;
    src.reserve(n);  // growing would move, and so throw on, the poisoned item
    for (std::size_t i = 0; i < n; ++i) src.emplace_back(next_id_ + i, i == poison_at);
    const std::size_t fits = stopped_ ? 0 : std::min(n, free());
    auto it = src.begin();
    const bool by_reference = in_.ConsumeBool();
    std::size_t k = 0;
    bool threw = false;
    try {
      k = by_reference ? ring_.try_push_n(it, n) : ring_.try_push_n(src.begin(), n);
    } catch (const poisoned&) {
      threw = true;
      k = poison_at;
    }
    check(threw == (poison_at < fits), "try_push_n: throws iff it reaches the poisoned item");
    check(k == std::min(fits, poison_at), "try_push_n: takes what fits, up to a throwing item");
    check(threw || !by_reference || it == src.begin() + static_cast<std::ptrdiff_t>(k),
          "try_push_n: advances");
    for (std::size_t i = 0; i < k; ++i) model_.push_back(next_id_ + i);
    next_id_ += n;
  }

  void pop_one() {
    std::optional<item> v = ring_.try_pop();
    check(v.has_value() == !model_.empty(), "try_pop: an item iff there is one");
    if (v) check(v->value() == model_.front(), "try_pop: the oldest item");
    if (v) drop(1);
  }

  void pop_bulk() {
    const std::size_t max = bulk_size();
    std::vector<item> out;
    const std::size_t k = ring_.try_pop_n(std::back_inserter(out), max);
    check(k == std::min(max, model_.size()) && out.size() == k, "try_pop_n: min(max, size) items");
    take(out);
  }

  // consume_n calls back in order; when the callback throws, that item and those before it
  // are consumed.
  void consume() {
    const std::size_t max = bulk_size();
    const std::size_t throw_at = in_.ConsumeBool() ? in_.ConsumeIntegralInRange<std::size_t>(0, max) : max;
    std::size_t calls = 0, k = 0;
    bool threw = false;
    try {
      k = ring_.consume_n(max, [&](item&& v) {
        check(calls < model_.size() && v.value() == model_[calls], "consume_n: the items in order");
        item taken = std::move(v);  // the ring destroys the moved-from slot
        if (calls++ == throw_at) throw poisoned{};
      });
    } catch (const poisoned&) {
      threw = true;
      k = calls;
    }
    const std::size_t avail = std::min(max, model_.size());
    check(threw == (throw_at < avail), "consume_n: the callback's exception passes through");
    check(calls == k && k == (threw ? throw_at + 1 : avail), "consume_n: min(max, size) calls");
    drop(k);
  }

  // peek shows a prefix of the items, contiguous up to the end of the storage: never more,
  // and at least one when there is one (its view of the tail may be older than the last push).
  void peek_release() {
    std::span<item> s = ring_.peek();
    const std::size_t to_end = cap_ - (popped_ & (cap_ - 1));
    check(s.size() <= std::min(model_.size(), to_end),
          "peek: no more than the items up to the storage's end");
    check(model_.empty() == s.empty(), "peek: an item when there is one");
    for (std::size_t i = 0; i < s.size(); ++i) check(s[i].value() == model_[i], "peek: items in order");
    const std::size_t n = in_.ConsumeIntegralInRange<std::size_t>(0, s.size());
    if (in_.ConsumeBool())
      for (std::size_t i = 0; i < n; ++i) item taken = std::move(s[i]);  // moved from, then released
    ring_.release(n);
    drop(n);
  }

  // The blocking calls, only where they cannot block (a single thread would wait forever).
  void blocking_push() {
    if (!stopped_ && free() == 0) return;
    const std::uint64_t id = next_id_++;
    const bool ok = ring_.push(item{id});
    check(ok == !stopped_, "push: true unless stopped");
    if (ok) model_.push_back(id);
  }

  void blocking_push_n() {
    const std::size_t n = in_.ConsumeIntegralInRange<std::size_t>(0, stopped_ ? 2 * cap_ : free());
    std::vector<item> src;
    for (std::size_t i = 0; i < n; ++i) src.emplace_back(next_id_ + i);
    const std::size_t k = ring_.push_n(src.begin(), n);
    check(k == (stopped_ ? 0 : n), "push_n: all items unless stopped");
    for (std::size_t i = 0; i < k; ++i) model_.push_back(next_id_ + i);
    next_id_ += n;
  }

  bool consumer_would_block() const { return model_.empty() && !closed_ && !stopped_; }

  void blocking_pop() {
    if (consumer_would_block()) return;
    std::optional<item> v = ring_.pop();
    check(v.has_value() == !model_.empty(), "pop: an item, or the end once closed or stopped");
    if (v) check(v->value() == model_.front(), "pop: the oldest item");
    if (v) drop(1);
  }

  void blocking_pop_n() {
    if (consumer_would_block()) return;
    // pop_n(out, 0) is outside its contract ("between 1 and max items"): it would spin.
    const std::size_t max = std::max<std::size_t>(1, bulk_size());
    std::vector<item> out;
    const std::size_t k = ring_.pop_n(std::back_inserter(out), max);
    check(k == std::min(max, model_.size()) && out.size() == k, "pop_n: min(max, size) items");
    take(out);
  }

  void waits() {
    if (!consumer_would_block()) check(ring_.wait_for_items() == !model_.empty(), "wait_for_items");
    const std::size_t n = in_.ConsumeIntegralInRange<std::size_t>(0, cap_);
    if (stopped_ || free() >= n) check(ring_.wait_for_space(n) == !stopped_, "wait_for_space");
  }

  FuzzedDataProvider& in_;
  coflow::spsc_ring<item> ring_;
  std::size_t cap_;
  std::deque<std::uint64_t> model_;
  std::uint64_t next_id_ = 0;
  std::uint64_t popped_ = 0;  // items consumed so far: where the head is in the storage
  bool closed_ = false;
  bool stopped_ = false;
};

// ---- two threads ------------------------------------------------------------------------------

constexpr std::uint64_t thread_items = 256;

void produce(coflow::spsc_ring<item>& ring, std::uint32_t seed) {
  std::minstd_rand rng{seed};
  std::vector<item> batch;
  for (std::uint64_t i = 0; i < thread_items;) {
    if (rng() % 2 == 0) {
      if (!ring.push(item{i++})) break;  // the consumer stopped
      continue;
    }
    const std::uint64_t n = std::min<std::uint64_t>(1 + rng() % (2 * ring.capacity()), thread_items - i);
    batch.clear();
    for (std::uint64_t k = 0; k < n; ++k) batch.emplace_back(i + k);
    if (ring.push_n(batch.begin(), batch.size()) != n) break;
    i += n;
  }
  ring.close();
}

// Takes one batch of items by a random consumer call; false at the end.
bool consume_some(coflow::spsc_ring<item>& ring, std::minstd_rand& rng, std::vector<std::uint64_t>& got) {
  const std::size_t max = 1 + rng() % (2 * ring.capacity());
  std::vector<item> out;
  switch (rng() % 3) {
    case 0: {
      std::optional<item> v = ring.pop();
      if (v) got.push_back(v->value());
      return v.has_value();
    }
    case 1:
      if (ring.pop_n(std::back_inserter(out), max) == 0) return false;
      for (const item& v : out) got.push_back(v.value());
      return true;
    default: {
      std::span<item> s = ring.peek();
      for (const item& v : s) got.push_back(v.value());
      ring.release(s.size());
      return !s.empty() || ring.wait_for_items() || !ring.peek().empty();
    }
  }
}

// `stop_after`: the consumer stops the ring once it has that many items (0: never).
void two_threads(std::size_t capacity, std::uint32_t seed, std::uint64_t stop_after) {
  coflow::spsc_ring<item> ring{capacity};
  std::thread producer{[&] { produce(ring, seed); }};
  std::minstd_rand rng{seed + 1};
  std::vector<std::uint64_t> got;
  while (consume_some(ring, rng, got)) {
    if (stop_after != 0 && got.size() >= stop_after) {
      ring.stop();
      break;
    }
  }
  producer.join();
  for (std::size_t i = 0; i < got.size(); ++i) check(got[i] == i, "two threads: items in order");
  check(stop_after != 0 || got.size() == thread_items, "two threads: no item lost");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in{data, size};
  const std::size_t capacity = in.ConsumeIntegralInRange<std::size_t>(0, 70);
  const bool threads = in.ConsumeIntegralInRange(0, 15) == 0;  // threads are slow: some inputs only
  if (threads) {
    const auto seed = in.ConsumeIntegral<std::uint32_t>();
    two_threads(capacity, seed,
                in.ConsumeBool() ? in.ConsumeIntegralInRange<std::uint64_t>(1, thread_items) : 0);
  }
  ring_model{in, capacity}.run();
  check(item::live == 0, "every item is destroyed once the ring is");
  return 0;
}
