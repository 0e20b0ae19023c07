// SPDX-License-Identifier: BSL-1.0
// threaded_chunks flattens chunks: the factory's items must be ranges.
// expect: coflow::threaded_chunks: the factory's items are not chunks (ranges such as std::vector<V>); use
// coflow::threaded
#include <coflow/threads/threaded.hpp>

#include <vector>

int main() {
  auto s = coflow::threaded_chunks([] { return std::vector<int>{1, 2, 3}; });
  (void)s;
}
