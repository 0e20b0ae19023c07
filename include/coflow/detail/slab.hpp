// SPDX-License-Identifier: BSL-1.0
// coflow/detail/slab.hpp - many small blocks carved in order from a few large chunks.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <new>
#include <vector>

namespace coflow::detail {

/// Memory for many small blocks (the scheduler's flows): a block is carved from the current
/// chunk, so blocks allocated one after the other are neighbours in memory, and a freed block
/// goes to the free list of its size for the next allocation of that size. No header per block
/// and no call to malloc per block. `allocate` is for one thread (the owner's); `deallocate` is
/// safe from any thread (a lock-free push the owner takes whole). The chunks are freed with the
/// slab, so whatever shares a block must keep the slab alive.
class slab {
 public:
  // Every block is aligned so (a more aligned one goes to operator new): sizes round up to 8
  // bytes, not to malloc's 16.
  static constexpr std::size_t granule = alignof(void*);
  static constexpr std::size_t largest = 1024;  // larger blocks: operator new

  slab() = default;
  slab(const slab&) = delete;
  slab& operator=(const slab&) = delete;
  ~slab() {
    for (void* c : chunks_) ::operator delete(c);
  }

  [[nodiscard]] void* allocate(std::size_t bytes) {
    const std::size_t c = size_class(bytes);
    if (c >= classes) return ::operator new(bytes);
    if (node* b = local_[c]) {
      local_[c] = b->next;
      return b;
    }
    if (node* b = remote_[c].exchange(nullptr, std::memory_order_acquire)) {
      local_[c] = b->next;
      return b;
    }
    return carve(c * granule);
  }

  void deallocate(void* p, std::size_t bytes) noexcept {
    const std::size_t c = size_class(bytes);
    if (c >= classes) return ::operator delete(p);
    node* b = ::new (p) node{remote_[c].load(std::memory_order_relaxed)};
    while (
        !remote_[c].compare_exchange_weak(b->next, b, std::memory_order_release, std::memory_order_relaxed)) {
    }
  }

 private:
  struct node {
    node* next;
  };
  static constexpr std::size_t classes = largest / granule + 1;
  // Chunks grow from 1 KiB to 64 KiB: a scheduler of a few flows takes little, and the largest
  // stays under malloc's mmap threshold (so it is reused, not mapped and faulted in again).
  static constexpr std::size_t first_chunk = 1024, last_chunk = 64 * 1024;

  static constexpr std::size_t size_class(std::size_t bytes) noexcept {
    return (bytes + granule - 1) / granule;
  }

  void* carve(std::size_t bytes) {
    if (left_ < bytes) {
      next_chunk_ = chunks_.empty() ? first_chunk : (next_chunk_ < last_chunk ? 2 * next_chunk_ : last_chunk);
      chunks_.reserve(chunks_.size() + 1);
      cursor_ = static_cast<std::byte*>(::operator new(next_chunk_));
      chunks_.push_back(cursor_);
      left_ = next_chunk_;
    }
    void* p = cursor_;
    cursor_ += bytes;
    left_ -= bytes;
    return p;
  }

  std::array<node*, classes> local_{};
  std::array<std::atomic<node*>, classes> remote_{};
  std::byte* cursor_ = nullptr;
  std::size_t left_ = 0, next_chunk_ = 0;
  std::vector<void*> chunks_;
};

}  // namespace coflow::detail
