// SPDX-License-Identifier: BSL-1.0
// A threaded source's factory must return a range or a next()-style callable.
// expect: coflow::threaded: the factory must be callable with no arguments
#include <coflow/threads/threaded.hpp>

#include <vector>

int main() {
#if COFLOW_MISUSE
  auto s = coflow::threaded([] { return 42; });
#else
  auto s = coflow::threaded([] { return std::vector{42}; });
#endif
  (void)s;
}
