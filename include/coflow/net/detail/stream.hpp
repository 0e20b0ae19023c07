// SPDX-License-Identifier: BSL-1.0
// coflow/net/detail/stream.hpp - what differs between stream types: how input ends, how the
// sending side closes, and how `serve` and `connect` make a connected socket a stream.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include "coflow/net/connection.hpp"

namespace coflow::net::detail {

/// A plain socket (or any stream with `lowest_layer()`): input ends at EOF, and the sending
/// side closes with a half-close. `coflow/net/tls.hpp` specializes it for `ssl::stream`.
template <class Stream>
struct stream_traits {
  static bool is_end(const boost::system::error_code& ec) { return ec == boost::asio::error::eof; }

  /// After the last write.
  static void close_sending(const std::shared_ptr<conn_state<Stream>>& st) {
    boost::system::error_code ignored;
    st->stream.lowest_layer().shutdown(boost::asio::socket_base::shutdown_send, ignored);
  }
};

/// Lines and replies are small writes: TCP sockets send them at once (no Nagle delay).
template <class Socket>
void no_delay(Socket& s) {
  if constexpr (std::is_same_v<typename Socket::protocol_type, boost::asio::ip::tcp>) {
    boost::system::error_code ignored;
    s.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  }
}

/// How `serve` and `connect` make a connected socket the connection's stream: here, as it
/// is, ready at once. (The TLS layers wrap it and shake hands first.)
struct plain_layer {
  template <class Socket>
  using stream_type = Socket;

  template <class Socket>
  std::shared_ptr<conn_state<Socket>> make(Socket s, std::shared_ptr<byte_meter> meter) const {
    return std::make_shared<conn_state<Socket>>(std::move(meter), std::move(s));
  }

  /// Calls `ready(error)` when the stream is ready for the flows.
  template <class Stream, class Ready>
  void start(const std::shared_ptr<conn_state<Stream>>&, Ready&& ready) const {
    std::forward<Ready>(ready)(boost::system::error_code{});
  }
};

}  // namespace coflow::net::detail
