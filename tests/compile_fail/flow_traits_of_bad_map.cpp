// SPDX-License-Identifier: BSL-1.0
// The traits of a wrong map: only the map's sentence.
// expect: coflow::map: the function (F) cannot be called with the upstream value type (T)
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
#if COFLOW_MISUSE
  auto f = std::vector{1, 2} | coflow::map([](std::string s) { return s.size(); });
  constexpr auto stages = coflow::flow_traits<decltype(f)>::stage_count;
#else
  auto f = std::vector{1, 2} | coflow::map([](int i) { return i * 2; });
  constexpr auto stages = coflow::flow_traits<decltype(f)>::stage_count;
#endif
  (void)stages;
}
