// SPDX-License-Identifier: BSL-1.0
// A callback's values are buffered: they must be objects, not references.
// expect: coflow::callback: the value type must be a non-const object type
#include <coflow/sources/callback.hpp>

int main() {
#if COFLOW_MISUSE
  coflow::callback<int&> feed;
#else
  coflow::callback<int> feed;
#endif
  (void)feed;
}
