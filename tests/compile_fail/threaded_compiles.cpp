// SPDX-License-Identifier: BSL-1.0
// The twin of threaded_bad_factory: a good factory compiles with the same flags.
// expect: COMPILES
#include <coflow/threads/threaded.hpp>

#include <optional>
#include <vector>

int main() {
  auto a = coflow::threaded([] { return std::vector<int>{1, 2, 3}; });
  auto b = coflow::threaded_chunks([] { return std::vector<std::vector<int>>{{1}, {2, 3}}; });
  auto c = coflow::threaded([] { return []() -> std::optional<int> { return std::nullopt; }; });
  (void)a;
  (void)b;
  (void)c;
}
