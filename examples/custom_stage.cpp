// SPDX-License-Identifier: BSL-1.0
// custom_stage: two ways to write a stage of your own. A generator is straight-line code that
// pulls from other stages (easy, one coroutine frame); a core on adapted_stage states only what
// one value gives and fuses into the push loop like coflow's own adaptors.
#include <coflow/coflow.hpp>

#include <cstddef>
#include <iostream>
#include <string_view>
#include <type_traits>
#include <utility>

namespace {
// 1. A generator: the running mean of its upstream, one value out per value in.
coflow::generator<double> running_mean(coflow::iota_source<int> src) {
  double sum = 0;
  int count = 0;
  while (auto v = co_await src) {
    sum += *v;
    ++count;
    co_yield sum / count;
  }
}

// 2. A core on adapted_stage: every n-th value. `on_value` gives at most one value through
// `emit`, and returns false to stop the flow (emit's own answer, or true to ask for more).
template <class V>
struct every_nth_core {
  using value_type = V;
  static constexpr std::string_view stage_name = "every_nth";
  std::size_t n;
  std::size_t seen = 0;

  template <class U, class Emit>
  bool on_value(U&& v, Emit& emit) {
    return ++seen % n != 0 || emit(std::forward<U>(v));
  }
};

// The factory: `every_nth(n)` is a closure, so `src | every_nth(3)` works and composes.
struct every_nth_fn {
  template <class S>
  static constexpr auto apply(S&& up, std::size_t n) {
    using U = std::remove_cvref_t<S>;
    return coflow::adapted_stage<U, every_nth_core<coflow::value_t<U>>>{std::forward<S>(up), n};
  }
  constexpr auto operator()(std::size_t n) const { return coflow::make_closure<every_nth_fn>(n); }
};
inline constexpr every_nth_fn every_nth{};
}  // namespace

int main() {
  for (double m : coflow::block(running_mean(coflow::iota(1, 6)))) std::cout << m << ' ';
  std::cout << '\n';
  auto thirds =
      coflow::iota(1, 13) | every_nth(3) | coflow::map([](int x) { return x * 10; }) | coflow::to_vector();
  for (int x : thirds) std::cout << x << ' ';
  std::cout << '\n' << coflow::describe(coflow::iota(1, 13) | every_nth(3)) << '\n';
}
