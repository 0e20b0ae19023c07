// SPDX-License-Identifier: BSL-1.0
// threaded_chunks flattens chunks: the factory's items must be ranges.
// expect: coflow::threaded_chunks: the factory's items are not chunks
#include <coflow/threads/threaded.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::threaded_chunks([] { return std::vector<int>{1, 2, 3}; });
#else
  auto s = coflow::threaded([] { return std::vector<int>{1, 2, 3}; });
#endif
  (void)s;
}
