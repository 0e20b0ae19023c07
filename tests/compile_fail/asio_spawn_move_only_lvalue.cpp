// SPDX-License-Identifier: BSL-1.0
// Spawning a move-only stage held in a variable on an io_context (which would copy it).
// expect: coflow::asio::spawn: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/asio.hpp>
#include <coflow/sources/callback.hpp>

#include <utility>

int main() {
  boost::asio::io_context ctx;
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  auto d = coflow::asio::spawn(ctx, events);
  (void)d;
#else
  auto d = coflow::asio::spawn(ctx, std::move(events));
  (void)d;
#endif
}
