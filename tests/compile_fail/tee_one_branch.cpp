// SPDX-License-Identifier: BSL-1.0
// tee with a single branch.
// expect: coflow::tee: it needs at least 2 branches and a capacity of at least 1
#include <coflow/stages/tee.hpp>

#include <vector>

int main() {
  auto s = coflow::tee<1>(std::vector{1});
  (void)s;
}
