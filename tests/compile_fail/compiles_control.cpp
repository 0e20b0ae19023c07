// SPDX-License-Identifier: BSL-1.0
// The twin of the map_*, filter_* and sink_* cases that must compile: the harness fails on
// unrelated errors.
// expect: COMPILES
#include <coflow/coflow.hpp>

#include <array>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

int main() {
  auto m = coflow::from(std::vector<int>{1}) | coflow::map([](int i) { return std::to_string(i); }) |
           coflow::filter([](const std::string& s) { return !s.empty(); });
  std::vector<std::string> v = std::move(m) | coflow::to_vector();
  coflow::from(std::vector<int>{1}) | coflow::for_each([](int) {});
  auto strings = coflow::from({"a"}) | coflow::to_vector<std::string>();
  auto n = coflow::from(std::vector<int>{1}) | coflow::fold(0, std::plus<>{});
  std::array<std::mutex, 2> locks;
  coflow::from(locks) | coflow::for_each([](std::mutex& m) { std::lock_guard g{m}; });
  (void)v;
  (void)strings;
  (void)n;
}
