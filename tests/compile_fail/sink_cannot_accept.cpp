// SPDX-License-Identifier: BSL-1.0
// for_each with a function that cannot take the values.
// expect: coflow::for_each: the function cannot be called with the upstream value type
#include <coflow/coflow.hpp>

#include <string>
#include <vector>

int main() {
  coflow::from(std::vector<int>{1}) | coflow::for_each([](std::string) {});
}
