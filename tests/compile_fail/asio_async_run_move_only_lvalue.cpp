// SPDX-License-Identifier: BSL-1.0
// async_run of a move-only stage held in a variable (which would copy it).
// expect: coflow::asio::async_run: a move-only stage was passed as an lvalue; std::move it in
#include <coflow/asio.hpp>
#include <coflow/sources/callback.hpp>

#include <exception>
#include <utility>
#include <vector>

int main() {
  boost::asio::io_context ctx;
  auto [feed, events] = coflow::make_callback<int>();
#if COFLOW_MISUSE
  coflow::asio::async_run(ctx, events, [](std::exception_ptr, std::vector<int>) {});
#else
  coflow::asio::async_run(ctx, std::move(events), [](std::exception_ptr, std::vector<int>) {});
#endif
}
