// SPDX-License-Identifier: BSL-1.0
// What the socket tests share: the upper-case echo flow, loopback, numbered lines.
#pragma once

#include <coflow/net.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/stages/map.hpp>

#include <boost/asio/io_context.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <cctype>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace coflow::test_net {

namespace net = coflow::net;

inline std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// The servers' flow: every line upper-cased.
inline const auto to_upper = [](auto lines) { return std::move(lines) | coflow::map(upper); };

inline boost::asio::ip::tcp::endpoint loopback(unsigned short port = 0) {
  return {boost::asio::ip::address_v4::loopback(), port};
}

inline std::vector<std::string> numbered_lines(std::size_t n, std::size_t connection) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back("line " + std::to_string(i) + " of connection " + std::to_string(connection));
  return v;
}

inline std::vector<std::string> upper_numbered_lines(std::size_t n, std::size_t connection) {
  std::vector<std::string> v = numbered_lines(n, connection);
  for (std::string& l : v) l = upper(l);
  return v;
}

/// Client connections on `ctx` (each made by `connect()`), each writing its numbered lines
/// (`sent`: the bytes written) while its replies are read (`replies`).
struct echo_clients {
  std::vector<coflow::deferred<std::vector<std::string>>> replies;
  std::vector<coflow::deferred<std::vector<std::size_t>>> sent;

  template <class Connect>
  echo_clients(boost::asio::io_context& ctx, std::size_t connections, std::size_t per_connection,
               Connect connect) {
    for (std::size_t c = 0; c < connections; ++c) {
      auto conn = connect();
      sent.push_back(coflow::asio::spawn(
          ctx, coflow::from(numbered_lines(per_connection, c)) | net::write(conn, {.suffix = "\n"})));
      replies.push_back(coflow::asio::spawn(ctx, net::lines(conn), coflow::to_vector()));
    }
  }
};

}  // namespace coflow::test_net
