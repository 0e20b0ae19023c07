// SPDX-License-Identifier: BSL-1.0
// Counts every global operator new of the test program that includes it (once: it replaces
// operator new and delete), for the tests that check what a path allocates.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace coflow_test {
/// Calls of global operator new so far.
inline std::atomic<long> allocations{0};
}  // namespace coflow_test

// The replacements below pair operator new with malloc and operator delete with free; g++
// sees through the inlined pair and warns that free() does not match new, which is the point.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  coflow_test::allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
