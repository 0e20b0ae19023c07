// SPDX-License-Identifier: BSL-1.0
// A wrong map awaited inside a generator: only the map's sentence.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

coflow::generator<int> doubled() {
#if COFLOW_MISUSE
  auto s = std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); });
#else
  auto s = std::vector{1, 2} | coflow::map([](int i) { return i * 2; });
#endif
  while (auto x = co_await s) co_yield static_cast<int>(*x);
}

int main() {
  auto g = doubled();
  (void)g;
}
