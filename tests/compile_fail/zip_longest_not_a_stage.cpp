// SPDX-License-Identifier: BSL-1.0
// zip_longest of something that is neither a stage nor a range.
// expect: coflow::zip_longest: a branch (an argument of zip_longest) is neither a stage nor a range
#include <coflow/coflow.hpp>

#include <string>
#include <type_traits>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto z = coflow::zip_longest(std::vector{1}, 'c');
#else
  auto z = coflow::zip_longest(std::vector{1}, coflow::just('c'));
#endif
  (void)z;
}
