// SPDX-License-Identifier: BSL-1.0
// coflow/sources/cursor_source.hpp - a source's pull and push paths, from its cursor.
#pragma once

#include <utility>

#include "coflow/core/stage.hpp"

namespace coflow {

/// The base of a source that lends its position as a cursor (see `lends_cursor`): `next()`,
/// `drive()` and `zip`'s lock-step loop all walk the same cursor, so they read the same
/// values. `D` provides `cursor`, `lend_cursor()`, `at_end(c)`, `read(c)`, the static
/// `advance(c)` and `take_back(c)`. A value handed out is consumed even when its consumer
/// throws, on every path.
template <class D>
class cursor_source : public stage_base<> {
 public:
  constexpr auto next() {
    using out = step<typename D::value_type>;
    D& self = derived();
    auto c = self.lend_cursor();
    if (self.at_end(c)) {
      self.take_back(c);
      return out{done};
    }
    out s{self.read(c)};
    D::advance(c);
    self.take_back(c);
    return s;
  }

  template <class F>
  constexpr void drive(F&& f) {
    D& self = derived();
    struct give_back {
      D& self;
      typename D::cursor c;
      constexpr ~give_back() { self.take_back(c); }
    } at{self, self.lend_cursor()};
    while (!self.at_end(at.c)) {
      struct advance_after {
        typename D::cursor& c;
        constexpr ~advance_after() { D::advance(c); }
      } after{at.c};
      if (!f(self.read(at.c))) return;
    }
  }

 private:
  constexpr D& derived() noexcept { return static_cast<D&>(*this); }
};

}  // namespace coflow
