// SPDX-License-Identifier: BSL-1.0
// coflow/detail/shared_block.hpp - a block that counts its own owners (boost::intrusive_ptr).
#pragma once

#include <atomic>
#include <cstdint>

#include <boost/smart_ptr/intrusive_ptr.hpp>

namespace coflow::detail {

/// A block shared through a count kept in the block itself, held by `boost::intrusive_ptr`:
/// a waker's target, a deferred's state, a spawned flow's slot (shared by its wakers and its
/// deferreds). The count takes 4 bytes beside the vtable pointer, where `std::shared_ptr`
/// would take a control block and a second pointer in every handle. The last owner to let go,
/// on any thread, calls `destroy()`.
class shared_block {
 public:
  shared_block(const shared_block&) = delete;
  shared_block& operator=(const shared_block&) = delete;

  /// A deferred whose state lives in this block was cancelled (a spawned flow's block stops
  /// its flow); nothing by default.
  virtual void deferred_cancelled() {}

  /// Takes a count unless the last owner has let go already, in which case the block is being
  /// destroyed: what a link that holds no count (a weak one) does before it uses the block.
  /// The holder of that link must know the block's memory is still there (`destroy()` has not
  /// returned); the count tells whether its owners still are. Adopt the count taken, e.g.
  /// `block_ptr<T>{p, false}`.
  [[nodiscard]] bool try_retain() const noexcept {
    std::uint32_t n = refs_.load(std::memory_order_relaxed);
    do {
      if (n == 0) return false;
    } while (!refs_.compare_exchange_weak(n, n + 1, std::memory_order_acquire, std::memory_order_relaxed));
    return true;
  }

  friend void intrusive_ptr_add_ref(const shared_block* b) noexcept {
    b->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  friend void intrusive_ptr_release(const shared_block* b) noexcept {
    if (b->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) const_cast<shared_block*>(b)->destroy();
  }

 protected:
  shared_block() = default;
  virtual ~shared_block() = default;
  /// Frees the block; a block that does not come from `new` says how.
  virtual void destroy() noexcept { delete this; }

 private:
  mutable std::atomic<std::uint32_t> refs_{0};
};

/// An owning handle to a shared block (or to a type derived from one).
template <class T>
using block_ptr = boost::intrusive_ptr<T>;

}  // namespace coflow::detail
