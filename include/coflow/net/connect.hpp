// SPDX-License-Identifier: BSL-1.0
// coflow/net/connect.hpp - the client side: a connection whose source and writer wait for it.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/ip/tcp.hpp>

#include "coflow/net/connection.hpp"

namespace coflow::net {

namespace detail {
/// Lines and replies are small writes: TCP sockets send them at once (no Nagle delay).
template <class Socket>
void no_delay(Socket& s) {
  if constexpr (std::is_same_v<typename Socket::protocol_type, boost::asio::ip::tcp>) {
    boost::system::error_code ignored;
    s.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  }
}
}  // namespace detail

/// Connects to `to` (a TCP or Unix-domain endpoint) on `ctx` and gives the connection at
/// once: its source (`read_chunks`, `lines`) and writer (`write`) park until the connect
/// completes, and fail with its error (`boost::system::system_error`) if it does not.
///
///     auto conn = coflow::net::connect(ctx, tcp::endpoint{address_v4::loopback(), port});
///     auto sent = coflow::asio::spawn(ctx, coflow::from(requests) | coflow::net::write(conn, {.suffix =
///     "\n"})); auto replies = coflow::asio::spawn(ctx, coflow::net::lines(conn), coflow::to_vector());
template <class Ctx, class Endpoint>
auto connect(Ctx& ctx, const Endpoint& to, std::shared_ptr<byte_meter> meter = nullptr) {
  using socket = typename Endpoint::protocol_type::socket;
  connection<socket> c{socket{ctx}, std::move(meter)};
  std::shared_ptr<detail::conn_state<socket>> st = c.state();
  st->connecting = true;
  st->stream.async_connect(to, [st](const boost::system::error_code& ec) {
    st->connecting = false;
    if (ec)
      st->connect_error = ec;
    else
      detail::no_delay(st->stream);
    st->wake_all();
  });
  return c;
}

}  // namespace coflow::net
