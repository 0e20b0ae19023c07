// SPDX-License-Identifier: BSL-1.0
// net::write over values that are not text.
// expect: coflow::net::write: the upstream value type is not text
#include <coflow/net/connection.hpp>
#include <coflow/net/write.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <vector>

int main() {
  boost::asio::io_context ctx;
  coflow::net::connection<boost::asio::ip::tcp::socket> conn{boost::asio::ip::tcp::socket{ctx}};
#if COFLOW_MISUSE
  auto w = std::vector{1, 2} | coflow::net::write(conn);
#else
  auto w = std::vector<std::string>{"1", "2"} | coflow::net::write(conn);
#endif
  (void)w;
}
