// SPDX-License-Identifier: BSL-1.0
#include <coflow/threads/spsc_ring.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define COFLOW_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define COFLOW_TEST_SANITIZED 1
#endif
#ifdef COFLOW_TEST_SANITIZED
constexpr std::uint64_t stress_items = 1'000'000;
#else
constexpr std::uint64_t stress_items = 10'000'000;
#endif

// Counts live instances, to see that the ring destroys what it holds.
struct tracked {
  static inline std::atomic<int> live{0};
  int v;
  explicit tracked(int x) : v{x} { ++live; }
  tracked(tracked&& o) noexcept : v{o.v} { ++live; }
  tracked(const tracked&) = delete;
  ~tracked() { --live; }
};

// Occasionally stalls the calling thread (a yield, or a sleep long enough to make the other
// side wait in the kernel), so that both the spinning and the sleeping paths run.
class staller {
 public:
  explicit staller(unsigned seed) : rng_{seed} {}
  void maybe_stall() {
    const auto r = rng_();
    if (r % 4096 == 0) std::this_thread::yield();
    if (r % 65536 == 1) std::this_thread::sleep_for(std::chrono::microseconds(200 + r % 300));
  }
  std::size_t below(std::size_t n) { return rng_() % n; }

 private:
  std::minstd_rand rng_;
};

}  // namespace

TEST(SpscRing, CapacityIsAPowerOfTwo) {
  EXPECT_EQ(coflow::spsc_ring<int>{5}.capacity(), 8u);
  EXPECT_EQ(coflow::spsc_ring<int>{8}.capacity(), 8u);
  EXPECT_EQ(coflow::spsc_ring<int>{0}.capacity(), 2u);
}

TEST(SpscRing, IsFifoAndBounded) {
  coflow::spsc_ring<int> ring{4};
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(99));
  EXPECT_EQ(ring.size_approx(), 4u);
  for (int round = 0; round < 10; ++round) {  // wraps around many times
    EXPECT_EQ(ring.try_pop(), std::optional<int>(round));
    EXPECT_TRUE(ring.try_push(round + 4));
  }
  for (int i = 10; i < 14; ++i) EXPECT_EQ(ring.try_pop(), std::optional<int>(i));
  EXPECT_EQ(ring.try_pop(), std::nullopt);
}

TEST(SpscRing, BulkPushAndPopTakeWhatFits) {
  coflow::spsc_ring<int> ring{8};
  std::vector<int> in(20);
  for (int i = 0; i < 20; ++i) in[static_cast<std::size_t>(i)] = i;
  auto it = in.begin();
  EXPECT_EQ(ring.try_push_n(it, 20), 8u);  // only 8 fit
  EXPECT_EQ(it - in.begin(), 8);
  std::vector<int> out;
  EXPECT_EQ(ring.try_pop_n(std::back_inserter(out), 5), 5u);
  EXPECT_EQ(ring.try_push_n(it, 12), 5u);  // wraps around the end
  EXPECT_EQ(ring.try_pop_n(std::back_inserter(out), 100), 8u);
  EXPECT_EQ(out, std::vector<int>(in.begin(), in.begin() + 13));
  EXPECT_EQ(ring.try_pop_n(std::back_inserter(out), 100), 0u);

  // consume_n calls back in order; peek/release read in place.
  std::vector<int> more{1, 2, 3};
  EXPECT_EQ(ring.try_push_n(more.begin(), 3), 3u);
  int sum = 0;
  EXPECT_EQ(ring.consume_n(2, [&](int&& v) { sum += v; }), 2u);
  EXPECT_EQ(sum, 3);
  auto span = ring.peek();
  ASSERT_EQ(span.size(), 1u);
  EXPECT_EQ(span[0], 3);
  ring.release(1);
  EXPECT_TRUE(ring.peek().empty());
}

TEST(SpscRing, CarriesMoveOnlyValues) {
  coflow::spsc_ring<std::unique_ptr<int>> ring{4};
  EXPECT_TRUE(ring.try_push(std::make_unique<int>(1)));
  EXPECT_TRUE(ring.try_emplace(new int(2)));
  std::vector<std::unique_ptr<int>> batch;
  batch.push_back(std::make_unique<int>(3));
  batch.push_back(std::make_unique<int>(4));
  EXPECT_EQ(ring.try_push_n(batch.begin(), 2), 2u);
  EXPECT_EQ(batch[0], nullptr);  // moved from
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(**ring.try_pop(), i);
}

TEST(SpscRing, DestroysTheItemsLeftInIt) {
  {
    coflow::spsc_ring<tracked> ring{8};
    for (int i = 0; i < 6; ++i) ring.try_emplace(i);
    ring.try_pop();  // wrap the head a little
    EXPECT_EQ(tracked::live, 5);
  }
  EXPECT_EQ(tracked::live, 0);
}

TEST(SpscRing, ABlockedConsumerIsWokenByAPush) {
  coflow::spsc_ring<int> ring{4};
  std::optional<int> got;
  std::thread consumer{[&] { got = ring.pop(); }};
  std::this_thread::sleep_for(30ms);  // long past the spin: it sleeps in the kernel
  ring.push(42);
  consumer.join();
  EXPECT_EQ(got, std::optional<int>(42));
}

TEST(SpscRing, ABlockedProducerIsWokenByAPop) {
  coflow::spsc_ring<int> ring{2};
  ring.push(1);
  ring.push(2);
  std::atomic<bool> pushed{false};
  std::thread producer{[&] { pushed = ring.push(3); }};
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(pushed);  // still waiting for room
  EXPECT_EQ(ring.pop(), std::optional<int>(1));
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(ring.pop(), std::optional<int>(2));
  EXPECT_EQ(ring.pop(), std::optional<int>(3));
}

TEST(SpscRing, CloseEndsTheStreamAfterItsItems) {
  coflow::spsc_ring<int> ring{4};
  std::vector<int> got;
  std::thread consumer{[&] {
    while (auto v = ring.pop()) got.push_back(*v);
  }};
  ring.push(1);
  ring.push(2);
  std::this_thread::sleep_for(30ms);
  ring.close();  // wakes the sleeping consumer
  consumer.join();
  EXPECT_EQ(got, (std::vector{1, 2}));
  EXPECT_TRUE(ring.closed());
}

TEST(SpscRing, StopWakesAProducerWaitingOnAFullRing) {
  coflow::spsc_ring<int> ring{2};
  ring.push(1);
  ring.push(2);
  std::atomic<int> result{-1};
  std::thread producer{[&] { result = ring.push(3) ? 1 : 0; }};
  std::this_thread::sleep_for(30ms);
  ring.stop();
  producer.join();
  EXPECT_EQ(result, 0);
  EXPECT_FALSE(ring.try_push(4));  // later pushes fail too
}

TEST(SpscRing, TwoThreadsPassManyItemsInOrder) {
  coflow::spsc_ring<std::uint64_t> ring{1024};
  std::thread producer{[&] {
    staller s{1};
    std::vector<std::uint64_t> batch;
    std::uint64_t i = 0;
    while (i < stress_items) {
      s.maybe_stall();
      if (s.below(2) == 0) {
        ring.push(i++);
      } else {
        batch.clear();
        const std::uint64_t n = std::min<std::uint64_t>(1 + s.below(100), stress_items - i);
        for (std::uint64_t k = 0; k < n; ++k) batch.push_back(i + k);
        ASSERT_EQ(ring.push_n(batch.begin(), batch.size()), batch.size());
        i += n;
      }
    }
    ring.close();
  }};
  std::uint64_t expect = 0, sum = 0;
  bool in_order = true;
  staller s{2};
  auto take = [&](std::uint64_t v) {
    in_order = in_order && v == expect;
    ++expect;
    sum += v;
  };
  std::vector<std::uint64_t> out;
  for (bool more = true; more;) {
    s.maybe_stall();
    switch (s.below(3)) {
      case 0:
        if (auto v = ring.pop())
          take(*v);
        else
          more = false;
        break;
      case 1:
        out.clear();
        if (ring.pop_n(std::back_inserter(out), 1 + s.below(100)) == 0) more = false;
        for (auto v : out) take(v);
        break;
      default: {
        auto span = ring.peek();
        for (auto v : span) take(v);
        ring.release(span.size());
        if (span.empty() && !ring.wait_for_items()) more = !ring.peek().empty();
      }
    }
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expect, stress_items);
  EXPECT_EQ(sum, stress_items * (stress_items - 1) / 2);
}
