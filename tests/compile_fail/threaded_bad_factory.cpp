// SPDX-License-Identifier: BSL-1.0
// A threaded source's factory must return a range or a next()-style callable.
// expect: coflow::threaded: the factory must be callable with no arguments (or with a coflow::stop_token) and
// return a range or a callable returning std::optional<V>
#include <coflow/threads/threaded.hpp>

int main() {
  auto s = coflow::threaded([] { return 42; });
  (void)s;
}
