// SPDX-License-Identifier: BSL-1.0
// serve with a function that does not return a flow.
// expect: coflow::net::serve: the function must return a flow
#include <coflow/net.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

int main() {
  boost::asio::io_context ctx;
  auto s = coflow::net::serve(ctx, boost::asio::ip::tcp::endpoint{}, [](auto) { return 42; });
  (void)s;
}
