// SPDX-License-Identifier: BSL-1.0
// A lambda passed to asio::spawn where a sink belongs.
// expect: coflow::asio::spawn: the third argument (K) is neither a sink nor spawn_options
#include <coflow/asio.hpp>
#include <coflow/sinks/for_each.hpp>
#include <coflow/sources/iota.hpp>

int main() {
  boost::asio::io_context ctx;
#if COFLOW_MISUSE
  auto d = coflow::asio::spawn(ctx, coflow::iota(0, 3), [](int i) { (void)i; });
#else
  auto d = coflow::asio::spawn(ctx, coflow::iota(0, 3), coflow::for_each([](int i) { (void)i; }));
#endif
  (void)d;
}
