// SPDX-License-Identifier: BSL-1.0
// async_run of something that is neither a stage nor a range.
// expect: coflow::asio::async_run: the flow is neither a stage nor a range
#include <coflow/asio.hpp>

#include <exception>

int main() {
  boost::asio::io_context ctx;
  coflow::asio::async_run(ctx, 42, [](std::exception_ptr, int) {});
}
