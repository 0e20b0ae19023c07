// SPDX-License-Identifier: BSL-1.0
// The twin of the merge cases: the same calls with valid branches compile.
// expect: COMPILES
#include <coflow/sources/callback.hpp>
#include <coflow/stages/concurrent.hpp>
#include <coflow/stages/merge.hpp>

#include <string>
#include <utility>
#include <vector>

int main() {
  auto [feed, stage] = coflow::make_callback<int>();
  auto m = coflow::merge(std::move(stage), coflow::from({1, 2}), std::vector<std::string>{"a"});
  auto p = coflow::from(std::vector{1, 2}) | coflow::merge(coflow::from({3}));
  auto c = coflow::concurrent(coflow::from({1}), coflow::from({2.5}));
  (void)m.next();
  (void)p.next();
  (void)c.next();
}
