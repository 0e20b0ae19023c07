// SPDX-License-Identifier: BSL-1.0
// line_client --port P: sends its standard input to line_server on 127.0.0.1:P, then prints
// every line the server answers until the server closes the connection.
#include <coflow/net.hpp>
#include <coflow/sinks/for_each.hpp>
#include <coflow/sources/from.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {
unsigned short port_argument(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string_view(argv[i]) == "--port") return static_cast<unsigned short>(std::stoul(argv[i + 1]));
  throw std::invalid_argument("usage: line_client --port P < lines");
}
}  // namespace

int main(int argc, char** argv) try {
  const unsigned short port = port_argument(argc, argv);
  std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  boost::asio::io_context ctx;
  auto conn = coflow::net::connect(
      ctx, boost::asio::ip::tcp::endpoint{boost::asio::ip::address_v4::loopback(), port});
  // What the server does not read (after QUIT) may be refused: the replies still count.
  auto sent =
      coflow::asio::spawn(ctx, coflow::from(std::vector<std::string>{input}) | coflow::net::write(conn));
  auto replies = coflow::asio::spawn(
      ctx, coflow::net::lines(conn, {.max_length = 1 << 20}),
      coflow::for_each([](const std::string& line) { std::printf("%s\n", line.c_str()); }));
  ctx.run();
  (void)replies.value();  // rethrows the connection's failure
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "line_client: %s\n", e.what());
  return 1;
}
