// SPDX-License-Identifier: BSL-1.0
// A callback's values are buffered: they must be objects, not references.
// expect: coflow::callback: the value type must be a non-const object type
#include <coflow/sources/callback.hpp>

int main() {
  coflow::callback<int&> feed;
  (void)feed;
}
