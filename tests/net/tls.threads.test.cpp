// SPDX-License-Identifier: BSL-1.0
// Flows over TLS on loopback: serve and connect with an ssl::context, close_notify and
// truncation, failed handshakes. The certificates are made here, in memory, at run time.
#include <coflow/net.hpp>
#include <coflow/net/tls.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/stages/map.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "net/lines.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using boost::asio::ip::tcp;
namespace ssl = boost::asio::ssl;
namespace net = coflow::net;
using namespace coflow::test_net;

namespace {

/// A self-signed certificate for "localhost" and 127.0.0.1, and its key, as PEM text.
struct test_cert {
  std::string cert, key;
};

template <class T, void (*Free)(T*)>
using owned = std::unique_ptr<T, decltype([](T* p) { Free(p); })>;

template <class Write>
std::string pem(Write write) {
  owned<BIO, BIO_free_all> bio{BIO_new(BIO_s_mem())};
  if (write(bio.get()) != 1) throw std::runtime_error("PEM_write failed");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

test_cert make_cert() {
  owned<EVP_PKEY, EVP_PKEY_free> key{EVP_EC_gen("P-256")};
  owned<X509, X509_free> x{X509_new()};
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), key.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                             -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x.get(), x.get(), nullptr, nullptr, 0);
  owned<X509_EXTENSION, X509_EXTENSION_free> san{
      X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1")};
  X509_add_ext(x.get(), san.get(), -1);
  if (X509_sign(x.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("X509_sign failed");
  return {pem([&](BIO* b) { return PEM_write_bio_X509(b, x.get()); }), pem([&](BIO* b) {
            return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
          })};
}

const test_cert& server_cert() {
  static const test_cert c = make_cert();
  return c;
}

ssl::context server_tls() {
  ssl::context t{ssl::context::tls_server};
  t.use_certificate(boost::asio::buffer(server_cert().cert), ssl::context::pem);
  t.use_private_key(boost::asio::buffer(server_cert().key), ssl::context::pem);
  return t;
}

/// A client context that trusts `trusted`'s certificate only.
ssl::context client_tls(const test_cert& trusted = server_cert()) {
  ssl::context t{ssl::context::tls_client};
  t.add_certificate_authority(boost::asio::buffer(trusted.cert));
  return t;
}

/// A TLS server whose io_context runs on a thread of its own.
struct running_server {
  ssl::context tls = server_tls();
  boost::asio::io_context ctx;
  net::server<tcp> srv{net::serve(ctx, loopback(), tls, to_upper)};
  std::thread loop{[this] { ctx.run(); }};

  running_server() = default;
  running_server(const running_server&) = delete;
  running_server& operator=(const running_server&) = delete;
  ~running_server() { finish(); }
  /// Stops the server (ending what is still open after `grace`) and waits until its last
  /// connection closed.
  void finish(std::chrono::steady_clock::duration grace = 1s) {
    if (!loop.joinable()) return;
    srv.stop(grace);
    loop.join();
  }
  std::size_t handshake_failed() const { return srv.counters().handshake_failed.load(); }
};

/// A blocking TLS client on the test's thread.
struct raw_client {
  boost::asio::io_context ctx;
  ssl::context tls = client_tls();
  ssl::stream<tcp::socket> s{ctx, tls};
  explicit raw_client(const tcp::endpoint& to) {
    s.lowest_layer().connect(to);
    s.handshake(ssl::stream_base::client);
  }
  void send(std::string_view text) { boost::asio::write(s, boost::asio::buffer(text)); }
  std::string read_line() {
    std::string got;
    boost::asio::read_until(s, boost::asio::dynamic_buffer(got), '\n');
    return got;
  }
  // The error that ends the input.
  boost::system::error_code read_end() {
    std::string got;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(got), ec);
    return ec;
  }
};

}  // namespace

// Several connections at once, each a client flow (connect + write) and a reply flow (lines),
// every reply checked; both sides close with close_notify.
TEST(NetTls, ConcurrentConnectionsEachGetTheirLinesBackUpperCased) {
  const std::size_t connections = 16, per_connection = 500;
  running_server server;
  boost::asio::io_context ctx;
  ssl::context tls = client_tls();
  echo_clients clients{
      ctx, connections, per_connection,
      [&] { return net::connect(ctx, server.srv.local_endpoint(), tls, {.server_name = "localhost"}); }};
  ctx.run();
  server.finish();
  for (std::size_t c = 0; c < connections; ++c)
    ASSERT_EQ(clients.replies[c].value(), upper_numbered_lines(per_connection, c)) << "connection " << c;
  EXPECT_EQ(server.srv.counters().accepted.load(), connections);
  EXPECT_EQ(server.srv.counters().failed.load(), 0U);
  EXPECT_EQ(server.handshake_failed(), 0U);
}

// A wrong host name, or a certificate the client does not trust: the connection's source
// fails with "certificate verify failed", and the server counts a failed handshake.
TEST(NetTls, TheClientVerifiesTheServersNameAndCertificate) {
  running_server server;
  boost::asio::io_context ctx;
  ssl::context trusting = client_tls();
  const test_cert other = make_cert();
  ssl::context untrusting = client_tls(other);
  auto wrong_name =
      net::connect(ctx, server.srv.local_endpoint(), trusting, {.server_name = "other.example"});
  auto untrusted = net::connect(ctx, server.srv.local_endpoint(), untrusting, {.server_name = "localhost"});
  auto a = coflow::asio::spawn(ctx, net::lines(wrong_name), coflow::to_vector());
  auto b = coflow::asio::spawn(ctx, net::lines(untrusted), coflow::to_vector());
  ctx.run();
  for (auto* d : {&a, &b}) {
    try {
      (void)d->value();
      ADD_FAILURE() << "the handshake succeeded";
    } catch (const boost::system::system_error& e) {
      EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
    }
  }
  server.finish();
  EXPECT_EQ(server.handshake_failed(), 2U);
  EXPECT_EQ(server.srv.counters().active.load(), 0U);
}

// A client that closes its socket without close_notify ends the server's input like EOF (no
// failure); the server still closes its side with close_notify.
TEST(NetTls, APeerThatClosesWithoutCloseNotifyEndsTheInput) {
  running_server server;
  raw_client c{server.srv.local_endpoint()};
  c.send("a\n");
  EXPECT_EQ(c.read_line(), "A\n");
  c.s.lowest_layer().shutdown(tcp::socket::shutdown_send);  // TCP FIN, no close_notify
  EXPECT_EQ(c.read_end(), boost::asio::error::eof) << "the server's close_notify";
  server.finish();
  EXPECT_EQ(server.srv.counters().failed.load(), 0U);
}

// The same on the client side: a server that closes without close_notify ends the lines.
TEST(NetTls, AServerThatClosesWithoutCloseNotifyEndsTheClientsLines) {
  boost::asio::io_context server_ctx;
  ssl::context server = server_tls();
  tcp::acceptor acceptor{server_ctx, loopback()};
  std::thread peer{[&] {
    ssl::stream<tcp::socket> s{server_ctx, server};
    acceptor.accept(s.lowest_layer());
    s.handshake(ssl::stream_base::server);
    boost::asio::write(s, boost::asio::buffer(std::string_view{"x\ny"}));
    s.lowest_layer().shutdown(tcp::socket::shutdown_both);
  }};
  boost::asio::io_context ctx;
  ssl::context tls = client_tls();
  auto conn = net::connect(ctx, acceptor.local_endpoint(), tls, {.server_name = "localhost"});
  auto got = coflow::asio::spawn(ctx, net::lines(conn), coflow::to_vector());
  ctx.run();
  peer.join();
  EXPECT_EQ(got.value(), (std::vector<std::string>{"x", "y"}));
}

// A plain-TCP client on the TLS server: its handshake fails and ends that connection only.
TEST(NetTls, APlainClientFailsItsHandshakeAndTheServerGoesOn) {
  running_server server;
  {
    boost::asio::io_context ctx;
    tcp::socket plain{ctx};
    plain.connect(server.srv.local_endpoint());
    boost::asio::write(plain, boost::asio::buffer(std::string_view{"hello\n"}));
    std::string got;
    boost::system::error_code ec;
    boost::asio::read(plain, boost::asio::dynamic_buffer(got), ec);
    EXPECT_TRUE(ec);  // closed by the server, perhaps after a TLS alert
    EXPECT_EQ(got.find("HELLO"), std::string::npos);
  }
  raw_client c{server.srv.local_endpoint()};
  c.send("still here\n");
  EXPECT_EQ(c.read_line(), "STILL HERE\n");
  server.finish(0s);
  EXPECT_EQ(server.handshake_failed(), 1U);
  EXPECT_EQ(server.srv.counters().accepted.load(), 2U);
}

// stop() with TLS connections open, one mid-handshake: at the deadline the server ends them
// and leaves no work behind.
TEST(NetTls, StopEndsOpenTlsConnections) {
  running_server server;
  raw_client open{server.srv.local_endpoint()};
  open.send("x\n");
  EXPECT_EQ(open.read_line(), "X\n");
  boost::asio::io_context ctx;
  tcp::socket mid_handshake{ctx};
  mid_handshake.connect(server.srv.local_endpoint());
  server.finish(0s);  // the loop has ended: no connection is left
  EXPECT_EQ(server.srv.counters().active.load(), 0U);
  EXPECT_TRUE(open.read_end());
}
