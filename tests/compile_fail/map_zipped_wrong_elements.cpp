// SPDX-License-Identifier: BSL-1.0
// A map after a zip whose function takes neither the tuple nor its elements.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T), nor with its
// elements when T is a tuple
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  auto zipped = coflow::zip(std::vector{1, 2}, std::vector{3, 4});
#if COFLOW_MISUSE
  auto v = std::move(zipped) | coflow::map([](int x, const std::string& y) { return x + int(y.size()); }) |
           coflow::to_vector();
#else
  auto v = std::move(zipped) | coflow::map([](int x, int y) { return x + y; }) | coflow::to_vector();
#endif
  (void)v;
}
