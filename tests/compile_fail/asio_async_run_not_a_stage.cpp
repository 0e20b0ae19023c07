// SPDX-License-Identifier: BSL-1.0
// async_run of something that is neither a stage nor a range.
// expect: coflow::asio::async_run: the flow is neither a stage nor a range
#include <coflow/asio.hpp>

#include <exception>
#include <vector>

int main() {
  boost::asio::io_context ctx;
#if COFLOW_MISUSE
  coflow::asio::async_run(ctx, 42, [](std::exception_ptr, std::vector<int>) {});
#else
  coflow::asio::async_run(ctx, coflow::just(42), [](std::exception_ptr, std::vector<int>) {});
#endif
}
