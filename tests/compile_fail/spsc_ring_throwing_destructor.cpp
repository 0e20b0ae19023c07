// SPDX-License-Identifier: BSL-1.0
// The ring destroys items on the consumer's side and in its destructor: they must not throw.
// expect: coflow::spsc_ring: T must be nothrow destructible
#include <coflow/threads/spsc_ring.hpp>

#if COFLOW_MISUSE
struct item {
  ~item() noexcept(false) {}
};
#else
struct item {
  ~item() {}
};
#endif

int main() {
  coflow::spsc_ring<item> ring{4};
  (void)ring;
}
