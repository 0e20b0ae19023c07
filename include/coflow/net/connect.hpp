// SPDX-License-Identifier: BSL-1.0
// coflow/net/connect.hpp - the client side: a connection whose source and writer wait for it.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <memory>
#include <utility>

#include "coflow/net/connection.hpp"
#include "coflow/net/detail/stream.hpp"

namespace coflow::net {

namespace detail {
/// `connect` on a `Layer` (plain_layer, or a TLS layer that shakes hands after the connect).
template <class Layer, class Ctx, class Endpoint>
auto connect_with(Ctx& ctx, const Endpoint& to, Layer layer, std::shared_ptr<byte_meter> meter) {
  using socket = typename Endpoint::protocol_type::socket;
  using stream = typename Layer::template stream_type<socket>;
  std::shared_ptr<conn_state<stream>> st =
      layer.make(socket{ctx}, meter ? std::move(meter) : std::make_shared<byte_meter>());
  st->connecting = true;
  auto ready = [st](const boost::system::error_code& ec) {
    st->connecting = false;
    if (ec) st->connect_error = ec;
    st->wake_all();
  };
  st->stream.lowest_layer().async_connect(to, [st, layer, ready](const boost::system::error_code& ec) {
    if (ec) return ready(ec);
    no_delay(st->stream.lowest_layer());
    layer.start(st, ready);
  });
  return connection<stream>{st};
}
}  // namespace detail

/// Connects to `to` (a TCP or Unix-domain endpoint) on `ctx` and gives the connection at
/// once: its source (`read_chunks`, `lines`) and writer (`write`) park until the connect
/// completes, and fail with its error (`boost::system::system_error`) if it does not.
/// (`coflow/net/tls.hpp` has the TLS overload.)
///
///     auto conn = coflow::net::connect(ctx, tcp::endpoint{address_v4::loopback(), port});
///     auto sent = coflow::asio::spawn(ctx, coflow::from(requests) | coflow::net::write(conn, {.suffix =
///     "\n"})); auto replies = coflow::asio::spawn(ctx, coflow::net::lines(conn), coflow::to_vector());
template <class Ctx, class Endpoint>
auto connect(Ctx& ctx, const Endpoint& to, std::shared_ptr<byte_meter> meter = nullptr) {
  return detail::connect_with(ctx, to, detail::plain_layer{}, std::move(meter));
}

}  // namespace coflow::net
