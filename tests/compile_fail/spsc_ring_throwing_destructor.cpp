// SPDX-License-Identifier: BSL-1.0
// The ring destroys items on the consumer's side and in its destructor: they must not throw.
// expect: coflow::spsc_ring: T must be nothrow destructible
#include <coflow/threads/spsc_ring.hpp>

struct throws_on_destruction {
  ~throws_on_destruction() noexcept(false) {}
};

int main() {
  coflow::spsc_ring<throws_on_destruction> ring{4};
  (void)ring;
}
