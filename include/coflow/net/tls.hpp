// SPDX-License-Identifier: BSL-1.0
// coflow/net/tls.hpp - TLS for coflow::net (link coflow::net_tls: OpenSSL): `serve` and
// `connect` with an `ssl::context`, and `ssl::stream` as a connection's stream.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <memory>
#include <string>
#include <utility>

#include <openssl/ssl.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>

#include "coflow/net/connect.hpp"
#include "coflow/net/connection.hpp"
#include "coflow/net/detail/stream.hpp"
#include "coflow/net/serve.hpp"

namespace coflow::net {

/// How a TLS client checks the server (`connect` with an `ssl::context`).
struct tls_client_options {
  /// The server's name: sent in the handshake (SNI) and, when `verify`, checked against the
  /// certificate (Asio's `ssl::host_name_verification`). Empty: neither.
  std::string server_name;
  /// Verify the server's certificate chain against the context's trusted certificates
  /// (`ssl::verify_peer` on the stream); the handshake fails when it does not verify.
  bool verify = true;
};

namespace detail {

/// TLS: input also ends when the peer closes without close_notify (`stream_truncated`), and
/// the sending side closes with close_notify.
template <class Next>
struct stream_traits<boost::asio::ssl::stream<Next>> {
  static bool is_end(const boost::system::error_code& ec) {
    return ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated;
  }

  /// Sends close_notify and does not wait for the peer's: Asio's `async_shutdown` waits for it
  /// and would drop the records the source still reads meanwhile. So OpenSSL is told, for
  /// the one call, that the peer's close_notify is in (Asio runs the first `SSL_shutdown` at
  /// once, within `async_shutdown`): it sends ours and is done; the flag is then put back.
  static void close_sending(const std::shared_ptr<conn_state<boost::asio::ssl::stream<Next>>>& st) {
    SSL* ssl = st->stream.native_handle();
    const int received = SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN;
    SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
    st->stream.async_shutdown([st](const boost::system::error_code&) {});
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | received);
  }
};

/// `serve`'s TLS layer: each accepted socket is wrapped and shakes hands as the server.
struct tls_server_layer {
  boost::asio::ssl::context* tls;

  template <class Socket>
  using stream_type = boost::asio::ssl::stream<Socket>;

  template <class Socket>
  std::shared_ptr<conn_state<stream_type<Socket>>> make(Socket s, std::shared_ptr<byte_meter> meter) const {
    return std::make_shared<conn_state<stream_type<Socket>>>(std::move(meter), std::move(s), *tls);
  }

  template <class Stream, class Ready>
  void start(const std::shared_ptr<conn_state<Stream>>& st, Ready ready) const {
    st->stream.async_handshake(
        boost::asio::ssl::stream_base::server,
        [st, ready = std::move(ready)](const boost::system::error_code& ec) { ready(ec); });
  }
};

/// `connect`'s TLS layer: after the connect, the name is set and the client shakes hands.
struct tls_client_layer : tls_server_layer {
  tls_client_options o;

  template <class Stream, class Ready>
  void start(const std::shared_ptr<conn_state<Stream>>& st, Ready ready) const {
    if (!o.server_name.empty()) SSL_set_tlsext_host_name(st->stream.native_handle(), o.server_name.c_str());
    if (o.verify) {
      st->stream.set_verify_mode(boost::asio::ssl::verify_peer);
      if (!o.server_name.empty())
        st->stream.set_verify_callback(boost::asio::ssl::host_name_verification(o.server_name));
    }
    st->stream.async_handshake(
        boost::asio::ssl::stream_base::client,
        [st, ready = std::move(ready)](const boost::system::error_code& ec) { ready(ec); });
  }
};

}  // namespace detail

/// `serve` over TLS: like `serve(ctx, at, fn, options)`, each accepted connection first
/// shakes hands with `tls` (its certificate and key); a failed handshake ends that connection
/// only (`counters().handshake_failed`). `tls` must outlive the server.
///
///     ssl::context tls{ssl::context::tls_server};
///     tls.use_certificate_chain(cert); tls.use_private_key(key, ssl::context::pem);
///     auto srv = coflow::net::serve(ctx, tcp::endpoint{address_v4::loopback(), 0}, tls, to_upper);
template <class Ctx, class Endpoint, class Fn>
auto serve(Ctx& ctx, const Endpoint& at, boost::asio::ssl::context& tls, Fn fn, serve_options options = {}) {
  return detail::serve_with(ctx, at, detail::tls_server_layer{&tls}, std::move(fn), std::move(options));
}

/// `connect` over TLS: connects, then shakes hands with `tls` as `options` says; the source
/// and the writer park until both are done, and fail with the error of the one that failed
/// (a certificate that does not verify: `boost::system::system_error`, "certificate verify
/// failed"). `tls` must outlive the connection.
template <class Ctx, class Endpoint>
auto connect(Ctx& ctx, const Endpoint& to, boost::asio::ssl::context& tls, tls_client_options options = {},
             std::shared_ptr<byte_meter> meter = nullptr) {
  return detail::connect_with(ctx, to, detail::tls_client_layer{{&tls}, std::move(options)},
                              std::move(meter));
}

}  // namespace coflow::net
