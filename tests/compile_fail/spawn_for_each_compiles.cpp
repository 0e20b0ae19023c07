// SPDX-License-Identifier: BSL-1.0
// A sink without a result (for_each) spawned on a scheduler and on an io_context: a
// deferred<void>.
// expect: COMPILES
#include <coflow/asio.hpp>
#include <coflow/coflow.hpp>

#include <type_traits>

int main() {
  coflow::scheduler sched;
  auto d = sched.spawn(coflow::iota(0, 3), coflow::for_each([](int i) { (void)i; }));
  static_assert(std::is_same_v<decltype(d), coflow::deferred<void>>);
  boost::asio::io_context ctx;
  auto e = coflow::asio::spawn(ctx, coflow::iota(0, 3), coflow::for_each([](int i) { (void)i; }));
  static_assert(std::is_same_v<decltype(e), coflow::deferred<void>>);
}
