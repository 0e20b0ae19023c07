// SPDX-License-Identifier: BSL-1.0
// A wrong map inside block(...): only the map's sentence, no error from block.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  for (auto v : coflow::block(std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); })))
    (void)v;
#else
  for (auto v : coflow::block(std::vector{1, 2} | coflow::map([](int i) { return i * 2; }))) (void)v;
#endif
}
