// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/redis.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/stages/map.hpp>

#include <cstdint>
#include <string>

int main() {
  coflow::redis::server r;
  auto written = coflow::iota(0, 3) | coflow::map([](int i) {
                   return coflow::redis::fields{{"n", std::to_string(i)}};
                 }) |
                 coflow::redis::xadd(r, "s", {.maxlen = 100});
  auto acked = coflow::redis::read_group(r, "s", "g", "c", {.min_idle = std::chrono::seconds{30}}) |
               coflow::map([](coflow::redis::message m) {
                 (void)coflow::redis::field<std::int64_t>(m, "n");
                 return m;
               }) |
               coflow::redis::ack(r, "s", "g");
  (void)written;
  (void)acked;
}
