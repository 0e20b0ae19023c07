// SPDX-License-Identifier: BSL-1.0
// coflow/sources/scripted.hpp - a source that replays a script of steps, for tests and demos.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "coflow/core/stage.hpp"

namespace coflow {

/// Replays values, cooperates and failures in order, then ends: the seed's
/// `[1, 2, Cooperate(), 3]`.
///
///     auto s = coflow::scripted<int>({1, 2, coflow::cooperate{}, 3});
template <class T>
class scripted_source : public stage_base<> {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "scripted";

  explicit scripted_source(std::vector<step<T>> script) : script_{std::move(script)} {}

  step<T> next() {
    if (pos_ == script_.size()) return done;
    return std::move(script_[pos_++]);
  }

 private:
  std::vector<step<T>> script_;
  std::size_t pos_ = 0;
};

template <class T>
scripted_source<T> scripted(std::initializer_list<step<T>> script) {
  return scripted_source<T>{std::vector<step<T>>(script)};
}

}  // namespace coflow
