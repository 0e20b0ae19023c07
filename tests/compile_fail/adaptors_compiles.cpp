// SPDX-License-Identifier: BSL-1.0
// The twin of the scan_*, take_while_*, drop_*, sliding_*, distinct_until_changed_* and
// chunk_by_*, flat_map_* and concat_* cases that must compile: the harness fails on unrelated errors.
// expect: COMPILES
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
  auto a = std::vector{1} | coflow::scan(0, [](int acc, int x) { return acc + x; }) |
           coflow::take_while([](int) { return true; }) | coflow::drop_while([](int x) { return x < 0; }) |
           coflow::drop(1) | coflow::drop(std::integral_constant<int, 1>{}) | coflow::sliding(2) |
           coflow::distinct_until_changed() | coflow::enumerate | coflow::to_vector();
  auto b = std::vector<std::string>{"a"} |
           coflow::chunk_by([](const std::string& x, const std::string& y) { return x.size() == y.size(); }) |
           coflow::chunk_by([](const std::vector<std::string>& v) { return v.size(); }) | coflow::to_vector();
  auto c = coflow::concat(std::vector{1}, coflow::iota(0, 2)) |
           coflow::flat_map([](int n) { return std::vector<int>(static_cast<std::size_t>(n), n); }) |
           coflow::to_vector();
  (void)a;
  (void)b;
  (void)c;
}
