// SPDX-License-Identifier: BSL-1.0
// The twin of zip_not_a_stage.cpp that must compile: the harness fails on unrelated errors.
// expect: COMPILES
#include <coflow/coflow.hpp>

#include <functional>
#include <string>
#include <vector>

int main() {
  auto z = coflow::zip(std::vector{1, 2}, coflow::just(42));
  auto m = coflow::map(std::plus<>{}, std::vector{1, 2}, std::vector{3, 4});
  (void)z;
  (void)m;
}
