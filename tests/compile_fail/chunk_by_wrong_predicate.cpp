// SPDX-License-Identifier: BSL-1.0
// chunk_by with a function of neither one nor two upstream values.
// expect: coflow::chunk_by: the predicate cannot be called with two upstream values (nor the key function
// with one)
#include <coflow/stages/chunk_by.hpp>

#include <string>
#include <vector>

int main() {
  auto s =
      std::vector{1} | coflow::chunk_by([](const std::string& a, const std::string& b) { return a == b; });
  (void)s;
}
