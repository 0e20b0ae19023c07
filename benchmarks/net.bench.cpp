// SPDX-License-Identifier: BSL-1.0
// line_server's protocol (upper-case every line, QUIT, an error reply over 4096 bytes) served
// by coflow::net::serve and by a plain Asio async_read_until/async_write server, each on one
// io_context thread, against the same client: 64 connections over loopback, each sending its
// lines pipelined and reading every reply.
//
//   bench_net --benchmark_filter=Serve   (64 connections x 100,000 lines; 10,000 for the
//                                         per-line baseline)
//
// Two baselines: plain Asio with a read_until and a write per line (as the Asio examples),
// and plain Asio that answers all the complete lines of each read with one write (what
// coflow's writer does). The time is wall time; `server_cpu_ns_per_line` is the CPU time of
// the server's thread per line.
#include <coflow/coro/generator.hpp>
#include <coflow/net.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace coflow_net_bench {

using boost::asio::ip::tcp;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

double thread_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_THREAD, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// ---- coflow: line_server's protocol on coflow::net::serve --------------------------------

template <class Lines>
coflow::generator<std::string> answer(Lines lines) {
  while (auto line = co_await lines) {
    if (*line == "QUIT") co_return;
    co_yield upper(std::move(*line));
  }
}

struct coflow_server {
  static auto start(boost::asio::io_context& ctx) {
    coflow::net::serve_options o;
    o.input.max_length = 4096;
    o.output.error_reply = [](const coflow::failure& f) -> std::optional<std::string> {
      if (f.is<std::length_error>()) return "ERROR line too long\n";
      return std::nullopt;
    };
    auto srv = coflow::net::serve(
        ctx, tcp::endpoint{boost::asio::ip::address_v4::loopback(), 0},
        [](auto lines) { return answer(std::move(lines)); }, o);
    return std::pair{srv.port(), [srv] { srv.stop(std::chrono::seconds{1}); }};
  }
};

// ---- the baseline: a plain Asio session per connection -------------------------------------

class plain_session : public std::enable_shared_from_this<plain_session> {
 public:
  explicit plain_session(tcp::socket s) : s_{std::move(s)}, in_{4096 + 2} {}
  void read() {
    boost::asio::async_read_until(
        s_, in_, '\n',
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->on_line(ec, n); });
  }

 private:
  void on_line(boost::system::error_code ec, std::size_t n) {
    if (ec == boost::asio::error::not_found) return reply_and_close("ERROR line too long\n");
    if (ec == boost::asio::error::eof && in_.size() > 0)
      n = in_.size();  // the final line
    else if (ec)
      return shutdown();
    std::string line(boost::asio::buffers_begin(in_.data()),
                     boost::asio::buffers_begin(in_.data()) + static_cast<std::ptrdiff_t>(n));
    in_.consume(n);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "QUIT") return shutdown();
    out_ = upper(std::move(line)) + "\n";
    boost::asio::async_write(s_, boost::asio::buffer(out_),
                             [self = shared_from_this(), ec](boost::system::error_code wec, std::size_t) {
                               if (wec || ec) return self->shutdown();
                               self->read();
                             });
  }
  void reply_and_close(std::string text) {
    out_ = std::move(text);
    boost::asio::async_write(
        s_, boost::asio::buffer(out_),
        [self = shared_from_this()](boost::system::error_code, std::size_t) { self->shutdown(); });
  }
  void shutdown() {
    boost::system::error_code ignored;
    s_.shutdown(tcp::socket::shutdown_send, ignored);
  }
  tcp::socket s_;
  boost::asio::streambuf in_;
  std::string out_;
};

template <class Session>
struct plain_server {
  static auto start(boost::asio::io_context& ctx) {
    auto acceptor =
        std::make_shared<tcp::acceptor>(ctx, tcp::endpoint{boost::asio::ip::address_v4::loopback(), 0});
    accept(acceptor);
    return std::pair{acceptor->local_endpoint().port(), [acceptor] {
                       boost::asio::post(acceptor->get_executor(), [acceptor] { acceptor->close(); });
                     }};
  }
  static void accept(const std::shared_ptr<tcp::acceptor>& a) {
    a->async_accept([a](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      s.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(s))->read();
      accept(a);
    });
  }
};

// ---- a second baseline: plain Asio that answers every complete line of a read at once ---------

class batched_session : public std::enable_shared_from_this<batched_session> {
 public:
  explicit batched_session(tcp::socket s) : s_{std::move(s)} {}
  void read() {
    s_.async_read_some(
        boost::asio::buffer(buf_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

 private:
  void on_read(boost::system::error_code ec, std::size_t n) {
    pending_.append(buf_.data(), n);
    if (ec && !pending_.empty()) pending_ += '\n';  // the final line
    bool close = static_cast<bool>(ec);
    std::size_t start = 0;
    for (std::size_t at; !close && (at = pending_.find('\n', start)) != std::string::npos; start = at + 1) {
      std::string line = pending_.substr(start, at - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > 4096)
        out_ += "ERROR line too long\n", close = true;
      else if (line == "QUIT")
        close = true;
      else
        out_ += upper(std::move(line)) + "\n";
    }
    pending_.erase(0, start);
    if (pending_.size() > 4097) out_ += "ERROR line too long\n", close = true;
    boost::asio::async_write(s_, boost::asio::buffer(out_),
                             [self = shared_from_this(), close](boost::system::error_code wec, std::size_t) {
                               self->out_.clear();
                               if (wec || close) {
                                 boost::system::error_code ignored;
                                 self->s_.shutdown(tcp::socket::shutdown_send, ignored);
                                 return;
                               }
                               self->read();
                             });
  }
  tcp::socket s_;
  std::array<char, 16 * 1024> buf_{};
  std::string pending_, out_;
};

// ---- the client, the same for all ------------------------------------------------------------

struct client_conn {
  tcp::socket s;
  const std::string* request;
  std::array<char, 64 * 1024> buf{};
  std::size_t received = 0;
  void start() {
    boost::asio::async_write(s, boost::asio::buffer(*request),
                             [this](boost::system::error_code ec, std::size_t) {
                               if (!ec) s.shutdown(tcp::socket::shutdown_send);
                             });
    read();
  }
  void read() {
    s.async_read_some(boost::asio::buffer(buf), [this](boost::system::error_code ec, std::size_t n) {
      received += n;
      if (!ec) read();
    });
  }
};

template <class Server>
void Serve(benchmark::State& state) {
  const auto connections = static_cast<std::size_t>(state.range(0));
  const auto lines = static_cast<std::size_t>(state.range(1));
  std::string request;
  for (std::size_t i = 0; i < lines; ++i)
    request += "line number " + std::to_string(i) + " of the benchmark\n";
  double server_cpu = 0;
  for (auto _ : state) {
    boost::asio::io_context server_ctx, client_ctx;
    auto [port, stop] = Server::start(server_ctx);
    double cpu = 0;
    std::thread server_thread{[&] {
      const double before = thread_cpu_seconds();
      server_ctx.run();
      cpu = thread_cpu_seconds() - before;
    }};
    std::vector<std::unique_ptr<client_conn>> clients;
    for (std::size_t c = 0; c < connections; ++c) {
      clients.push_back(std::make_unique<client_conn>(client_conn{tcp::socket{client_ctx}, &request}));
      clients.back()->s.connect(tcp::endpoint{boost::asio::ip::address_v4::loopback(), port});
      clients.back()->s.set_option(tcp::no_delay(true));
      clients.back()->start();
    }
    client_ctx.run();
    stop();
    server_thread.join();
    server_cpu += cpu;
    for (auto& c : clients)
      if (c->received != request.size()) state.SkipWithError("a client did not get every reply");
  }
  state.counters["server_cpu_ns_per_line"] = benchmark::Counter(
      server_cpu * 1e9 / static_cast<double>(connections * lines), benchmark::Counter::kAvgIterations);
  state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(connections * lines),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

// A reply per line (one write system call each) is slow: the per-line baseline runs a tenth of
// the lines; compare lines_per_s and server_cpu_ns_per_line.
using plain_per_line = plain_server<plain_session>;
using plain_batched = plain_server<batched_session>;
BENCHMARK_TEMPLATE(Serve, plain_per_line)->Args({64, 10'000})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(Serve, plain_batched)->Args({64, 100'000})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(Serve, coflow_server)->Args({64, 100'000})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace coflow_net_bench

BENCHMARK_MAIN();
