// SPDX-License-Identifier: BSL-1.0
// xadd of a flow whose values are not a message's fields.
// expect: coflow::redis::xadd: the flow's values are not a message's fields
#include <coflow/redis.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/stages/map.hpp>

#include <string>

int main() {
  coflow::redis::server r;
#if COFLOW_MISUSE
  auto n = coflow::iota(0, 3) | coflow::redis::xadd(r, "s");
#else
  auto n = coflow::iota(0, 3) | coflow::map([](int i) {
             return coflow::redis::fields{{"n", std::to_string(i)}};
           }) |
           coflow::redis::xadd(r, "s");
#endif
  (void)n;
}
