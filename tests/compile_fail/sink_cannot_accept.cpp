// SPDX-License-Identifier: BSL-1.0
// for_each with a function that cannot take the values.
// expect: coflow::for_each: the function (F) cannot be called with the upstream value type (T), nor with its
// elements when T is a tuple
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  coflow::from(std::vector<int>{1}) | coflow::for_each([](std::string) {});
#else
  coflow::from(std::vector<int>{1}) | coflow::for_each([](int) {});
#endif
}
