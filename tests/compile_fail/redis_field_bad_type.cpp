// SPDX-License-Identifier: BSL-1.0
// A field decoded as a type coflow cannot decode it to.
// expect: coflow::redis::field: the field type cannot be decoded
#include <coflow/redis/message.hpp>

#include <string>

int main() {
  coflow::redis::message m{"1-0", {{"ok", "1"}}};
#if COFLOW_MISUSE
  auto v = coflow::redis::field<bool>(m, "ok");
#else
  auto v = coflow::redis::field<int>(m, "ok");
#endif
  (void)v;
}
