// SPDX-License-Identifier: BSL-1.0
// chunk with a size that is not an integer.
// expect: coflow::chunk: the chunk size must be an integer
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
  auto c = std::vector{1} | coflow::chunk("2");
  (void)c;
}
