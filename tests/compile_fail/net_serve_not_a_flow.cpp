// SPDX-License-Identifier: BSL-1.0
// serve with a function that does not return a flow.
// expect: coflow::net::serve: the function must return a flow
#include <coflow/net/serve.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <utility>

int main() {
  boost::asio::io_context ctx;
#if COFLOW_MISUSE
  auto s = coflow::net::serve(ctx, boost::asio::ip::tcp::endpoint{}, [](auto) { return 42; });
#else
  auto s =
      coflow::net::serve(ctx, boost::asio::ip::tcp::endpoint{}, [](auto lines) { return std::move(lines); });
#endif
  (void)s;
}
