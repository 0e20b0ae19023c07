// SPDX-License-Identifier: BSL-1.0
// flow_traits of a type that is not a stage (a plain std::string).
// expect: coflow::flow_traits: the type (F) is not a stage
#include <coflow/introspection/traits.hpp>
#include <coflow/sources/just.hpp>

#include <string>

int main() {
#if COFLOW_MISUSE
  constexpr std::size_t stages = coflow::flow_traits<std::string>::stage_count;
#else
  constexpr std::size_t stages = coflow::flow_traits<decltype(coflow::just(std::string{}))>::stage_count;
#endif
  return static_cast<int>(stages);
}
