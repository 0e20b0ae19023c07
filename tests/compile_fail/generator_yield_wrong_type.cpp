// SPDX-License-Identifier: BSL-1.0
// co_yield of a value that does not convert to the generator's value type.
// expect: coflow::generator<T>: co_yield needs a value convertible to T
#include <coflow/coflow.hpp>

#include <string>

coflow::generator<int> numbers() {
#if COFLOW_MISUSE
  co_yield std::string("one");
#else
  co_yield std::stoi("1");
#endif
}

int main() {
  auto g = numbers();
}
