// SPDX-License-Identifier: BSL-1.0
// line_server --port P: answers every line received on 127.0.0.1:P with the line upper-cased
// (port 0: any free port). "QUIT" closes the connection; a line over 4096 bytes gets
// "ERROR line too long" and the connection is closed. SIGINT or SIGTERM stops it gracefully.
#include <coflow/coro/generator.hpp>
#include <coflow/net.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One connection's protocol: its lines in, its replies out, until QUIT.
template <class Lines>
coflow::generator<std::string> answer(Lines lines) {
  while (auto line = co_await lines) {
    if (*line == "QUIT") co_return;
    co_yield upper(std::move(*line));
  }
}

unsigned short port_argument(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string_view(argv[i]) == "--port") return static_cast<unsigned short>(std::stoul(argv[i + 1]));
  throw std::invalid_argument("usage: line_server --port P");
}

}  // namespace

int main(int argc, char** argv) try {
  boost::asio::io_context ctx;
  coflow::net::serve_options options;
  options.input.max_length = 4096;
  options.output.error_reply = [](const coflow::failure& f) -> std::optional<std::string> {
    if (f.is<std::length_error>()) return "ERROR line too long\n";
    return std::nullopt;
  };
  auto server = coflow::net::serve(
      ctx, boost::asio::ip::tcp::endpoint{boost::asio::ip::address_v4::loopback(), port_argument(argc, argv)},
      [](auto lines) { return answer(std::move(lines)); }, options);
  std::printf("listening on %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  boost::asio::signal_set signals{ctx, SIGINT, SIGTERM};
  signals.async_wait([&server](const boost::system::error_code& ec, int) {
    if (!ec) server.stop(std::chrono::seconds{2});
  });
  ctx.run();
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "line_server: %s\n", e.what());
  return 1;
}
