// SPDX-License-Identifier: BSL-1.0
// ack of a flow whose values are neither messages nor ids.
// expect: coflow::redis::ack: the flow's values are neither coflow::redis::message nor a message id
#include <coflow/redis.hpp>
#include <coflow/stages/map.hpp>

#include <string>

int main() {
  coflow::redis::server r;
  auto src = coflow::redis::read_group(r, "s", "g", "c");
#if COFLOW_MISUSE
  auto n = std::move(src) | coflow::map([](const coflow::redis::message& m) { return m.fields.size(); }) |
           coflow::redis::ack(r, "s", "g");
#else
  auto n = std::move(src) | coflow::map([](const coflow::redis::message& m) { return m.id; }) |
           coflow::redis::ack(r, "s", "g");
#endif
  (void)n;
}
