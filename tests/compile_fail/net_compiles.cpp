// SPDX-License-Identifier: BSL-1.0
// The twin of the net cases: the same calls with valid arguments compile.
// expect: COMPILES
#include <coflow/net.hpp>
#include <coflow/stages/map.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <utility>
#include <vector>

int main() {
  boost::asio::io_context ctx;
  coflow::net::connection<boost::asio::ip::tcp::socket> conn{boost::asio::ip::tcp::socket{ctx}};
  auto w = std::vector<std::string>{"a"} | coflow::net::write(conn);
  (void)w;
  auto s = coflow::net::serve(ctx, boost::asio::ip::tcp::endpoint{}, [](auto lines) {
    return std::move(lines) | coflow::map([](std::string l) { return l; });
  });
  (void)s;
}
