// SPDX-License-Identifier: BSL-1.0
// Flows over real sockets on loopback: the socket source, the writer, serve and connect.
#include <coflow/net.hpp>
#include <coflow/profiling/instrument.hpp>
#include <coflow/sinks/to_vector.hpp>
#include <coflow/sources/from.hpp>
#include <coflow/stages/map.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "net/lines.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using boost::asio::ip::tcp;
namespace net = coflow::net;
using namespace coflow::test_net;

namespace {

/// A server whose io_context runs on a thread of its own.
template <class Protocol = tcp>
struct running_server {
  boost::asio::io_context ctx;
  net::server<Protocol> srv;
  std::thread loop;

  template <class Endpoint, class Fn>
  running_server(const Endpoint& at, Fn fn, net::serve_options o = {})
      : srv{net::serve(ctx, at, std::move(fn), std::move(o))}, loop{[this] { ctx.run(); }} {}
  running_server(const running_server&) = delete;
  running_server& operator=(const running_server&) = delete;
  ~running_server() { finish(); }
  /// Stops the server and waits until its last connection closed.
  void finish() {
    if (!loop.joinable()) return;
    srv.stop(1s);
    loop.join();
  }
  typename Protocol::endpoint endpoint() const { return srv.local_endpoint(); }
};

/// A blocking client on the test's thread.
struct client {
  boost::asio::io_context ctx;
  tcp::socket s{ctx};
  explicit client(const tcp::endpoint& to) { s.connect(to); }
  void send(std::string_view text) { boost::asio::write(s, boost::asio::buffer(text)); }
  void half_close() { s.shutdown(tcp::socket::shutdown_send); }
  // Everything until EOF (or a reset).
  std::string read_all() {
    std::string got;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(got), ec);
    return got;
  }
  // Sends `text`, half-closes, and gives every reply.
  std::string exchange(std::string_view text) {
    send(text);
    half_close();
    return read_all();
  }
  std::string read_line() {
    std::string got;
    boost::asio::read_until(s, boost::asio::dynamic_buffer(got), '\n');
    return got;
  }
};

// `want` connections need two descriptors each (client and server, one process): as many
// as the descriptor limit allows, raised to its hard limit, with 64 spare.
std::size_t connections_allowed(std::size_t want) {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &r);
  ::getrlimit(RLIMIT_NOFILE, &r);
  const std::size_t fit = r.rlim_cur > 64 ? (r.rlim_cur - 64) / 2 : 1;
  if (fit < want)
    std::printf("descriptor limit %zu: %zu connections instead of %zu\n", std::size_t{r.rlim_cur}, fit, want);
  return std::min(want, fit);
}

}  // namespace

// Many connections at once, each a client flow (connect + write) and a reply flow (lines),
// every reply checked.
TEST(Net, ManyConnectionsEachGetTheirLinesBackUpperCased) {
  const std::size_t connections = connections_allowed(1000), per_connection = 100;
  running_server server{loopback(), to_upper};
  boost::asio::io_context ctx;
  echo_clients clients{ctx, connections, per_connection,
                       [&] { return net::connect(ctx, server.endpoint()); }};
  ctx.run();
  server.finish();
  for (std::size_t c = 0; c < connections; ++c) {
    ASSERT_EQ(clients.replies[c].value(), upper_numbered_lines(per_connection, c)) << "connection " << c;
    EXPECT_GT(clients.sent[c].value().at(0), per_connection * 10);
  }
  EXPECT_EQ(server.srv.counters().accepted.load(), connections);
  EXPECT_EQ(server.srv.counters().failed.load(), 0U);
}

TEST(Net, ReadChunksGivesEveryByteAndEndsAtEof) {
  running_server server{loopback(), to_upper};
  boost::asio::io_context ctx;
  auto conn = net::connect(ctx, server.endpoint());
  auto sent =
      coflow::asio::spawn(ctx, coflow::from(std::vector<std::string>{"ab\ncd", "\n"}) | net::write(conn));
  auto chunks = coflow::asio::spawn(ctx, net::read_chunks(conn, {.read_size = 2}), coflow::to_vector());
  ctx.run();
  std::string all;
  for (const std::string& c : chunks.value()) {
    EXPECT_LE(c.size(), 2U);
    all += c;
  }
  EXPECT_EQ(all, "AB\nCD\n");
  EXPECT_EQ(sent.value().at(0), 6U);
  EXPECT_EQ(conn.meter().current(), 0U);
}

// instrument rebuilds the writer over its counted upstream: a row for each stage.
TEST(Net, AnInstrumentedWriterCountsEveryStage) {
  running_server server{loopback(), to_upper};
  boost::asio::io_context ctx;
  auto conn = net::connect(ctx, server.endpoint());
  auto [flow, stats] =
      coflow::instrument(coflow::from(std::vector<std::string>{"ab", "cd"}) |
                         coflow::map([](std::string s) { return s + "\n"; }) | net::write(conn));
  auto sent = coflow::asio::spawn(ctx, std::move(flow));
  auto lines = coflow::asio::spawn(ctx, net::lines(conn), coflow::to_vector());
  ctx.run();
  EXPECT_EQ(lines.value(), (std::vector<std::string>{"AB", "CD"}));
  EXPECT_EQ(sent.value().at(0), 6U);
  ASSERT_EQ(stats.size(), 3U);
  EXPECT_EQ(stats[0].items, 2U);
  EXPECT_EQ(stats[1].items, 2U);
  EXPECT_EQ(stats[2].name, "net::write");
  EXPECT_EQ(stats[2].items, 1U);
  for (const coflow::stage_stats& row : stats) EXPECT_TRUE(row.measured) << row.name;
}

TEST(Net, HalfCloseStillGetsEveryReplyAndTheTrailerLine) {
  running_server server{loopback(), to_upper};
  client c{server.endpoint()};
  EXPECT_EQ(c.exchange("one\r\ntwo\nlast without newline"), "ONE\nTWO\nLAST WITHOUT NEWLINE\n");
}

TEST(Net, AnOverLongLineGetsTheErrorReplyAndEndsOnlyThatConnection) {
  net::serve_options o;
  o.input.max_length = 4096;
  o.output.error_reply = [](const coflow::failure& f) -> std::optional<std::string> {
    if (f.is<std::length_error>()) return "ERROR line too long\n";
    return std::nullopt;
  };
  running_server server{loopback(), to_upper, o};
  client bad{server.endpoint()};
  bad.send("ok\n" + std::string(5000, 'a') + "\nnever answered\n");
  EXPECT_EQ(bad.read_all(), "OK\nERROR line too long\n");
  bad.s.close();
  client good{server.endpoint()};
  EXPECT_EQ(good.exchange(std::string(4096, 'b') + "\r\n"), std::string(4096, 'B') + "\n");
  server.finish();
  EXPECT_EQ(server.srv.counters().failed.load(), 1U);
}

TEST(Net, GarbageAndPeersThatVanishMidLineEndOnlyTheirConnection) {
  running_server server{loopback(), to_upper};
  {
    client gone{server.endpoint()};
    gone.send("complete\nhalf a li");
    EXPECT_EQ(gone.read_line(), "COMPLETE\n");
  }  // closed mid-line
  {
    client garbage{server.endpoint()};
    std::string bytes;
    for (int i = 0; i < 256; ++i)
      if (i != '\n' && i != '\r') bytes += static_cast<char>(i);
    EXPECT_EQ(garbage.exchange(bytes + "\n"), upper(bytes) + "\n");
  }
  client after{server.endpoint()};
  EXPECT_EQ(after.exchange("still serving\n"), "STILL SERVING\n");
}

TEST(Net, AFlowThatThrowsEndsItsConnectionAfterItsReply) {
  net::serve_options o;
  o.output.error_reply = [](const coflow::failure&) -> std::optional<std::string> { return "ERROR\n"; };
  running_server server{loopback(),
                        [](auto lines) {
                          return std::move(lines) | coflow::map([](std::string l) {
                                   if (l == "boom") throw std::runtime_error("boom");
                                   return l;
                                 });
                        },
                        o};
  client c{server.endpoint()};
  c.send("a\nboom\nb\n");
  EXPECT_EQ(c.read_all(), "a\nERROR\n");
}

// A client sends 50 MB of lines and never reads the replies: the server's writer parks, its
// source stops reading, TCP stops the client; the server's buffered bytes stay bounded.
TEST(Net, APeerThatNeverReadsBoundsTheServersBufferedBytes) {
  net::serve_options o;
  o.output.max_buffered = 64 * 1024;
  std::atomic<std::size_t> processed{0};
  running_server server{loopback(),
                        [&processed](auto lines) {
                          return std::move(lines) | coflow::map([&processed](std::string l) {
                                   processed.fetch_add(1, std::memory_order_relaxed);
                                   return l;
                                 });
                        },
                        o};
  boost::asio::io_context ctx;
  tcp::socket s{ctx};
  s.connect(server.endpoint());
  const std::string line(99, 'x');
  std::string payload;
  for (int i = 0; i < 500'000; ++i) payload += line + "\n";  // 50 MB
  std::size_t sent = 0;
  boost::system::error_code write_error;
  boost::asio::async_write(s, boost::asio::buffer(payload),
                           [&](const boost::system::error_code& ec, std::size_t n) {
                             write_error = ec;
                             sent = n;
                           });
  std::thread writer{[&ctx] { ctx.run(); }};
  // Wait until the server stops making progress (at most 500 checks without progress).
  std::size_t last = 0, still = 0;
  for (int i = 0; i < 10'000 && still < 100; ++i) {
    std::this_thread::sleep_for(5ms);
    const std::size_t now = processed.load();
    still = now == last ? still + 1 : 0;
    last = now;
  }
  const std::size_t bound = 2 * o.output.max_buffered + o.input.read_size + o.input.max_length;
  EXPECT_LT(last, 500'000U) << "the server processed every line: nothing held it back";
  EXPECT_LE(server.srv.buffered().peak(), bound);
  std::ifstream statm{"/proc/self/statm"};
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  std::printf("peak buffered bytes %zu (bound %zu), lines processed %zu, resident %zu KiB\n",
              server.srv.buffered().peak(), bound, last,
              resident * static_cast<std::size_t>(getpagesize()) / 1024);
  boost::asio::post(ctx, [&s] { s.close(); });
  writer.join();
  EXPECT_TRUE(write_error);
  EXPECT_LT(sent, payload.size()) << "the client could send everything: nothing held it back";
  server.finish();
  EXPECT_EQ(server.srv.buffered().current(), 0U);
}

TEST(Net, StopLetsOpenConnectionsFinishThenCancelsThoseLeft) {
  boost::asio::io_context ctx;
  auto srv = net::serve(ctx, loopback(), to_upper);
  std::thread loop{[&ctx] { ctx.run(); }};
  client finishing{srv.local_endpoint()};
  client idle{srv.local_endpoint()};
  finishing.send("x\n");
  EXPECT_EQ(finishing.read_line(), "X\n");
  idle.send("y\n");
  EXPECT_EQ(idle.read_line(), "Y\n");
  srv.stop(1s);  // room for the exchange below on a loaded machine; the idle client waits it out
  EXPECT_EQ(finishing.exchange("after stop\n"), "AFTER STOP\n");
  EXPECT_EQ(idle.read_all(), "");  // ended by the server at the deadline
  loop.join();                     // the server left no work behind
  EXPECT_EQ(srv.counters().active.load(), 0U);
  boost::asio::io_context other;
  tcp::socket refused{other};
  boost::system::error_code ec;
  refused.connect(srv.local_endpoint(), ec);
  EXPECT_TRUE(ec) << "the server still accepts after stop";
}

TEST(Net, AnIdleConnectionIsEnded) {
  net::serve_options o;
  o.idle_timeout = 300ms;  // longer than a loaded machine takes between a read and its reply
  running_server server{loopback(), to_upper, o};
  client c{server.endpoint()};
  c.send("hello\n");
  EXPECT_EQ(c.read_all(), "HELLO\n");
  server.finish();
  EXPECT_EQ(server.srv.counters().failed.load(), 1U);
}

TEST(Net, AtTheConnectionCapTheServerStopsAccepting) {
  net::serve_options o;
  o.max_connections = 2;
  o.linger = 0ms;
  running_server server{loopback(), to_upper, o};
  client a{server.endpoint()}, b{server.endpoint()};
  a.send("a\n");
  EXPECT_EQ(a.read_line(), "A\n");
  b.send("b\n");
  EXPECT_EQ(b.read_line(), "B\n");
  client third{server.endpoint()};  // in the listen backlog, not accepted
  third.send("c\n");
  b.send("b2\n");
  EXPECT_EQ(b.read_line(), "B2\n");
  EXPECT_EQ(server.srv.counters().accepted.load(), 2U);
  a.half_close();
  EXPECT_EQ(a.read_all(), "");
  EXPECT_EQ(third.read_line(), "C\n");
  EXPECT_EQ(server.srv.counters().accepted.load(), 3U);
}

TEST(Net, ConnectFailureIsTheSourcesAndTheWritersFailure) {
  boost::asio::io_context ctx;
  tcp::endpoint closed;
  {
    tcp::acceptor a{ctx, loopback()};
    closed = a.local_endpoint();
  }
  auto conn = net::connect(ctx, closed);
  auto in = coflow::asio::spawn(ctx, net::lines(conn));
  auto out = coflow::asio::spawn(ctx, coflow::from(std::vector<std::string>{"x"}) | net::write(conn));
  ctx.run();
  EXPECT_THROW((void)in.value(), boost::system::system_error);
  EXPECT_THROW((void)out.value(), boost::system::system_error);
}

TEST(Net, UnixDomainSockets) {
  using boost::asio::local::stream_protocol;
  const std::string path = "/tmp/coflow-net-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  {
    running_server<stream_protocol> server{stream_protocol::endpoint{path}, to_upper};
    boost::asio::io_context ctx;
    auto conn = net::connect(ctx, stream_protocol::endpoint{path});
    auto sent = coflow::asio::spawn(
        ctx, coflow::from(std::vector<std::string>{"unix", "socket"}) | net::write(conn, {.suffix = "\n"}));
    auto got = coflow::asio::spawn(ctx, net::lines(conn), coflow::to_vector());
    ctx.run();
    EXPECT_EQ(got.value(), (std::vector<std::string>{"UNIX", "SOCKET"}));
  }
  ::unlink(path.c_str());
}
