// SPDX-License-Identifier: BSL-1.0
// expect: COMPILES
#include <coflow/profiling/instrument.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/stages/map.hpp>

#include <string>

int main() {
  auto [flow, stats] = coflow::instrument(coflow::iota(0, 3) | coflow::map([](int i) { return i + 1; }));
  auto first = flow.next();
  std::string table = stats.to_table();
  std::string dot = coflow::to_dot(flow, stats);
  (void)first;
  (void)table;
  (void)dot;
}
