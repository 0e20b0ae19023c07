// SPDX-License-Identifier: BSL-1.0
// coflow/stages/scan.hpp - running accumulation: each value folded into an accumulator, which is given.
#pragma once

#include <concepts>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coflow/core/pipe.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/detail/invoke.hpp"
#include "coflow/sources/from.hpp"
#include "coflow/stages/adaptor.hpp"

namespace coflow {

namespace detail {
template <stage S, class A, class F>
struct scan_core {
  using value_type = A;
  static constexpr std::string_view stage_name = "scan";
  A acc;
  F f;

  template <class V, class Emit>
  bool on_value(V&& v, Emit& emit) {
    acc = detail::invoke_unpacked(f, std::forward<V>(v), std::move(acc));
    return emit(A(acc));  // a copy: the consumer may take it by rvalue
  }
};
}  // namespace detail

/// The stage `upstream | scan(init, f)`: gives `acc = f(acc, v)` after each upstream value
/// `v`, starting from `acc = init` (the running fold: RxCpp's `scan`, range-v3's
/// `partial_sum` with an initial value). `init` itself is not given.
template <stage S, class A, class F>
using scan_stage = adapted_stage<S, detail::scan_core<S, A, F>>;

struct scan_fn {
  template <class S, class I, class G>
  static constexpr auto apply(S&& up, I&& init, G&& g) {
    using U = std::remove_cvref_t<S>;
    using A = std::remove_cvref_t<I>;
    using F = std::remove_cvref_t<G>;
    if constexpr (!detail::invocable_unpacked_v<F&, value_t<U>, A>) {
      static_assert(detail::always_false<F>,
                    "coflow::scan: the function cannot be called with (the accumulator, the upstream value), "
                    "nor with (the accumulator, its elements) when the value is a tuple");
      return detail::ill_formed{};
    } else if constexpr (!std::is_assignable_v<A&, detail::invoke_unpacked_result_t<F&, value_t<U>, A>>) {
      static_assert(detail::always_false<F>,
                    "coflow::scan: the function's result cannot be assigned to the accumulator's type");
      return detail::ill_formed{};
    } else {
      return scan_stage<U, A, F>{std::forward<S>(up), std::forward<I>(init), std::forward<G>(g)};
    }
  }

  template <class I, class F>
  constexpr auto operator()(I init, F f) const {
    return make_closure<scan_fn>(std::move(init), std::move(f));
  }
};

/// `src | coflow::scan(init, f)`: the running fold, one accumulator per value.
///
///     auto v = coflow::iota(1, 5) | coflow::scan(0, std::plus<>{}) | coflow::to_vector();  // 1 3 6 10
inline constexpr scan_fn scan{};

}  // namespace coflow
