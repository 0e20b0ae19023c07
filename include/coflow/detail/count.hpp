// SPDX-License-Identifier: BSL-1.0
// coflow/detail/count.hpp - a run-time count checked once for every stage that takes one.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace coflow::detail {

/// `n` as a size; an `n` below `at_least` (a negative one by default) is
/// std::invalid_argument naming the stage.
template <class N>
std::size_t checked_count(std::string_view stage, N n, std::size_t at_least = 0) {
  if (std::cmp_less(n, at_least))
    throw std::invalid_argument(
        "coflow::" + std::string(stage) + ": the count must " +
        (at_least == 0 ? std::string("not be negative") : "be at least " + std::to_string(at_least)) +
        " (it is " + std::to_string(n) + ")");
  return static_cast<std::size_t>(n);
}

}  // namespace coflow::detail
