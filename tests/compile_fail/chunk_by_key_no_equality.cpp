// SPDX-License-Identifier: BSL-1.0
// chunk_by with a key function whose key cannot be compared.
// expect: coflow::chunk_by: the key has no operator==
#include <coflow/stages/chunk_by.hpp>

#include <vector>

int main() {
  struct key {
    int k;
  };
#if COFLOW_MISUSE
  auto s = std::vector{1} | coflow::chunk_by([](int i) { return key{i}; });
#else
  auto s = std::vector{1} | coflow::chunk_by([](int i) { return key{i}.k; });
#endif
  (void)s;
}
