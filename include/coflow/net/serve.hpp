// SPDX-License-Identifier: BSL-1.0
// coflow/net/serve.hpp - Twisted flow's Protocol controller: a flow per accepted connection.
#pragma once

// The Asio driver first: it sets Boost.Asio up for libc++ before any Asio header is read.
#include "coflow/drivers/asio.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>

#include "coflow/core/as_stage.hpp"
#include "coflow/core/failure.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/net/connection.hpp"
#include "coflow/net/detail/stream.hpp"
#include "coflow/net/read.hpp"
#include "coflow/net/write.hpp"

namespace coflow::net {

/// How `serve` runs its connections.
struct serve_options {
  /// How each connection's input is cut into lines.
  line_options input{};
  /// How each connection's flow is written back (by default a line: the value and "\n"), and
  /// the optional reply written when the flow fails, before the connection is closed.
  write_options output{.suffix = "\n"};
  /// The most connections open at once; at the cap the server stops accepting (new peers
  /// wait in the listen backlog) until one ends.
  std::size_t max_connections = 1024;
  /// A connection with no read or write completed for this long is ended (its flow fails
  /// with `idle_timeout_error`); zero: never.
  std::chrono::steady_clock::duration idle_timeout{0};
  /// After a connection's flow ended (and its stream was half-closed), what the peer still
  /// sends is read and dropped for at most this long, so that closing does not reset the
  /// connection under the last reply.
  std::chrono::steady_clock::duration linger = std::chrono::seconds{1};
};

/// What a server counts; read from any thread.
struct server_counters {
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> active{0};
  std::atomic<std::size_t> failed{0};            // connections whose flow failed
  std::atomic<std::size_t> handshake_failed{0};  // TLS: connections ended before their flow began
};

namespace detail {

/// The part of a server its handle sees, whatever the flow per connection.
template <class Protocol>
class server_control {
 public:
  virtual ~server_control() = default;
  virtual void stop(std::chrono::steady_clock::duration grace) = 0;
  [[nodiscard]] virtual typename Protocol::endpoint local_endpoint() const = 0;
  std::shared_ptr<byte_meter> meter = std::make_shared<byte_meter>();
  server_counters counters;
};

/// One accepted connection as the server tracks it.
template <class Socket>
struct served {
  std::shared_ptr<conn_state<Socket>> st;
  std::function<void()> cancel;  // cancels the flow's deferred (none before the flow begins)
  std::unique_ptr<boost::asio::steady_timer> idle;
};

/// Reads and drops what the peer still sends, until EOF, an error or the deadline; then
/// closes the stream.
template <class Socket>
void linger_then_close(std::shared_ptr<conn_state<Socket>> st, std::chrono::steady_clock::duration d,
                       std::function<void()> closed) {
  struct lingering {
    std::shared_ptr<conn_state<Socket>> st;
    boost::asio::steady_timer timer;
    std::array<char, 4096> scratch{};
    std::function<void()> closed;
    void read(const std::shared_ptr<lingering>& self) {
      st->stream.async_read_some(boost::asio::buffer(scratch),
                                 [self](const boost::system::error_code& ec, std::size_t) {
                                   if (ec)
                                     self->timer.cancel();
                                   else
                                     self->read(self);
                                 });
    }
  };
  auto l = std::make_shared<lingering>(
      lingering{st, boost::asio::steady_timer{st->stream.get_executor()}, {}, std::move(closed)});
  l->timer.expires_after(d);
  l->timer.async_wait([l](const boost::system::error_code&) {
    l->st->close();
    std::exchange(l->closed, nullptr)();
  });
  l->read(l);
}

/// The server on a `Layer` (plain_layer, or the TLS layer: each accepted socket shakes hands
/// before its flow begins).
template <class Protocol, class Ctx, class Fn, class Layer>
class server_state final : public server_control<Protocol>,
                           public std::enable_shared_from_this<server_state<Protocol, Ctx, Fn, Layer>> {
  using socket = typename Protocol::socket;
  using stream = typename Layer::template stream_type<socket>;

 public:
  server_state(Ctx& ctx, const typename Protocol::endpoint& at, Layer layer, Fn fn, serve_options o)
      : ctx_{&ctx},
        acceptor_{ctx},
        stop_timer_{ctx},
        layer_{std::move(layer)},
        fn_{std::move(fn)},
        o_{std::move(o)} {
    acceptor_.open(at.protocol());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen();
    at_ = acceptor_.local_endpoint();
  }

  void start() { accept(); }

  typename Protocol::endpoint local_endpoint() const override { return at_; }

  void stop(std::chrono::steady_clock::duration grace) override {
    boost::asio::post(acceptor_.get_executor(),
                      [self = this->shared_from_this(), grace] { self->stop_now(grace); });
  }

 private:
  void accept() {
    accepting_ = true;
    acceptor_.async_accept([self = this->shared_from_this()](const boost::system::error_code& ec, socket s) {
      self->accepting_ = false;
      if (self->stopping_) return;
      if (!ec) self->open(std::move(s));
      if (self->below_cap()) self->accept();
    });
  }

  bool below_cap() const {
    return this->counters.active.load(std::memory_order_relaxed) < o_.max_connections;
  }

  // The idle timeout and the stop cover the handshake too.
  void open(socket s) {
    no_delay(s);
    std::shared_ptr<conn_state<stream>> st = layer_.make(std::move(s), this->meter);
    const std::uint64_t id = next_id_++;
    this->counters.accepted.fetch_add(1, std::memory_order_relaxed);
    this->counters.active.fetch_add(1, std::memory_order_relaxed);
    served_[id].st = st;
    arm_idle(id);
    layer_.start(st, [self = this->shared_from_this(), id](const boost::system::error_code& ec) {
      self->begin(id, ec);
    });
  }

  // The stream is ready (or its handshake failed): the connection's flow begins.
  void begin(std::uint64_t id, const boost::system::error_code& ec) {
    auto it = served_.find(id);
    if (it == served_.end()) return;
    if (ec) {
      this->counters.handshake_failed.fetch_add(1, std::memory_order_relaxed);
      it->second.st->abort(system_failure(ec));
      return ended(id, false);
    }
    connection<stream> conn{it->second.st};
    auto d = coflow::asio::spawn(*ctx_, fn_(net::lines(conn, o_.input)) | net::write(conn, o_.output));
    it->second.cancel = [d]() mutable { d.cancel(); };
    d.both([self = this->shared_from_this(), id](const auto& r) { self->ended(id, r.failed()); });
  }

  // The idle timer fires at the last activity plus the timeout, and re-arms itself when
  // there was activity since: a read or a write costs no timer operation.
  void arm_idle(std::uint64_t id) {
    if (o_.idle_timeout <= std::chrono::steady_clock::duration::zero()) return;
    served<stream>& e = served_.at(id);
    if (!e.idle) e.idle = std::make_unique<boost::asio::steady_timer>(*ctx_);
    e.idle->expires_at(e.st->last_activity + o_.idle_timeout);
    e.idle->async_wait([self = this->shared_from_this(), id](const boost::system::error_code& ec) {
      auto it = self->served_.find(id);
      if (ec || it == self->served_.end() || it->second.st->aborted) return;
      if (std::chrono::steady_clock::now() - it->second.st->last_activity >= self->o_.idle_timeout)
        it->second.st->abort(failure::make(idle_timeout_error{}));
      else
        self->arm_idle(id);
    });
  }

  // A connection's flow ended: its stream lingers, then closes; then it stops counting.
  void ended(std::uint64_t id, bool failed) {
    auto it = served_.find(id);
    if (it == served_.end()) return;
    if (failed) this->counters.failed.fetch_add(1, std::memory_order_relaxed);
    if (it->second.idle) it->second.idle->cancel();
    std::shared_ptr<conn_state<stream>> st = std::move(it->second.st);
    served_.erase(it);
    auto closed = [self = this->shared_from_this()] { self->closed(); };
    // A peer whose input already ended (EOF, a TLS truncation, an error) sends nothing more.
    if (!st->aborted && !st->read_error) return linger_then_close(std::move(st), o_.linger, closed);
    st->close();
    closed();
  }

  void closed() {
    this->counters.active.fetch_sub(1, std::memory_order_relaxed);
    if (stopping_) {
      if (this->counters.active.load(std::memory_order_relaxed) == 0) stop_timer_.cancel();
    } else if (!accepting_ && below_cap()) {
      accept();
    }
  }

  void stop_now(std::chrono::steady_clock::duration grace) {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (this->counters.active.load(std::memory_order_relaxed) == 0) return;
    stop_timer_.expires_after(grace);
    stop_timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->cancel_all();
    });
  }

  // The grace period is over: every connection still open ends now.
  void cancel_all() {
    std::vector<std::pair<std::shared_ptr<conn_state<stream>>, std::function<void()>>> open;
    for (auto& [id, e] : served_) open.emplace_back(e.st, e.cancel);
    for (auto& [st, cancel] : open) {
      st->abort(failure::make(cancelled_error{}));
      if (cancel) cancel();
    }
  }

  Ctx* ctx_;
  typename Protocol::acceptor acceptor_;
  typename Protocol::endpoint at_;  // where it listens (the acceptor forgets it when closed)
  boost::asio::steady_timer stop_timer_;
  Layer layer_;
  Fn fn_;
  serve_options o_;
  std::map<std::uint64_t, served<stream>> served_;
  std::uint64_t next_id_ = 0;
  bool accepting_ = false;
  bool stopping_ = false;
};

}  // namespace detail

/// A running server (`serve`); copies share it. It lives until it is stopped and its last
/// connection closed, whether or not a handle is kept.
template <class Protocol>
class server {
 public:
  explicit server(std::shared_ptr<detail::server_control<Protocol>> c) noexcept : c_{std::move(c)} {}

  [[nodiscard]] typename Protocol::endpoint local_endpoint() const { return c_->local_endpoint(); }
  /// The port it listens on (TCP).
  [[nodiscard]] unsigned short port() const
    requires requires(typename Protocol::endpoint e) { e.port(); }
  {
    return local_endpoint().port();
  }

  /// Stops accepting, lets open connections finish for at most `grace`, then ends those
  /// left (their flows are cancelled and their streams closed). Safe from any thread; once
  /// the last connection is closed the server holds no work on its io_context.
  void stop(std::chrono::steady_clock::duration grace = std::chrono::seconds{5}) const { c_->stop(grace); }

  /// Bytes the server's connections hold: read and not yet taken, or waiting to be written.
  [[nodiscard]] const byte_meter& buffered() const noexcept { return *c_->meter; }
  [[nodiscard]] const server_counters& counters() const noexcept { return c_->counters; }

 private:
  std::shared_ptr<detail::server_control<Protocol>> c_;
};

namespace detail {
/// `serve` on a `Layer` (plain_layer, or the TLS layer of coflow/net/tls.hpp).
template <class Ctx, class Endpoint, class Layer, class Fn>
auto serve_with(Ctx& ctx, const Endpoint& at, Layer layer, Fn fn, serve_options options) {
  using Protocol = typename Endpoint::protocol_type;
  using stream = typename Layer::template stream_type<typename Protocol::socket>;
  using lines_t = decltype(net::lines(std::declval<const connection<stream>&>()));
  if constexpr (!std::is_invocable_v<Fn&, lines_t>) {
    static_assert(coflow::detail::always_false<Fn>,
                  "coflow::net::serve: the function cannot be called with a connection's lines (a stage of "
                  "std::string)");
    return coflow::detail::ill_formed{};
  } else if constexpr (!coflow::detail::stage_like<std::invoke_result_t<Fn&, lines_t>>) {
    static_assert(coflow::detail::always_false<Fn>,
                  "coflow::net::serve: the function must return a flow (a stage or a range)");
    return coflow::detail::ill_formed{};
  } else {
    auto s = std::make_shared<server_state<Protocol, Ctx, Fn, Layer>>(ctx, at, std::move(layer),
                                                                      std::move(fn), std::move(options));
    s->start();
    return server<Protocol>{std::move(s)};
  }
}
}  // namespace detail

/// Twisted flow's Protocol controller: listens on `at`, and runs for each accepted connection
/// the flow `fn(lines)` (built from that connection's lines, `net::lines`) into a writer
/// (`net::write`), on `ctx` (an io_context run by one thread). A connection whose flow
/// fails ends alone, after `options.output.error_reply`'s reply if there is one.
///
///     auto srv = coflow::net::serve(ctx, tcp::endpoint{address_v4::loopback(), 0},
///                                   [](auto lines) { return std::move(lines) | coflow::map(to_upper); });
template <class Ctx, class Endpoint, class Fn>
auto serve(Ctx& ctx, const Endpoint& at, Fn fn, serve_options options = {}) {
  return detail::serve_with(ctx, at, detail::plain_layer{}, std::move(fn), std::move(options));
}

}  // namespace coflow::net
