// SPDX-License-Identifier: BSL-1.0
// serve with a function that takes an int: it is called with the connection's lines.
// expect: coflow::net::serve: the function cannot be called with a connection's lines
#include <coflow/net/serve.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <utility>

int main() {
  boost::asio::io_context ctx;
#if COFLOW_MISUSE
  auto s = coflow::net::serve(ctx, boost::asio::ip::tcp::endpoint{}, [](int n) { return n; });
#else
  auto s =
      coflow::net::serve(ctx, boost::asio::ip::tcp::endpoint{}, [](auto lines) { return std::move(lines); });
#endif
  (void)s;
}
