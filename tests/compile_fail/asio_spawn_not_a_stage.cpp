// SPDX-License-Identifier: BSL-1.0
// Spawning something that is neither a stage nor a range on an io_context.
// expect: coflow::asio::spawn: the flow is neither a stage nor a range
#include <coflow/asio.hpp>

int main() {
  boost::asio::io_context ctx;
#if COFLOW_MISUSE
  auto d = coflow::asio::spawn(ctx, 42);
#else
  auto d = coflow::asio::spawn(ctx, coflow::just(42));
#endif
  (void)d;
}
