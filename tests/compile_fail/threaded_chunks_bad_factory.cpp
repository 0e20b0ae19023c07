// SPDX-License-Identifier: BSL-1.0
// threaded_chunks given the chunks themselves instead of a factory that returns them.
// expect: coflow::threaded_chunks: the factory must be callable with no arguments
#include <coflow/threads/threaded.hpp>

#include <vector>

int main() {
  std::vector<std::vector<int>> chunks{{1, 2}, {3}};
#if COFLOW_MISUSE
  auto s = coflow::threaded_chunks(chunks);
#else
  auto s = coflow::threaded_chunks([chunks] { return chunks; });
#endif
  (void)s;
}
