// SPDX-License-Identifier: BSL-1.0
// coflow/redis/connection.hpp - a Redis server and its pool of hiredis connections.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coflow/sql/detail/pool.hpp"

namespace coflow::redis {

/// Every failure of coflow's Redis stages: a refused connection (naming host:port), an error
/// reply (the server's message), a field that does not decode.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a Redis server is and how coflow talks to it.
struct options {
  std::string host = "127.0.0.1";
  int port = 6379;
  /// Sent with AUTH after connecting when not empty.
  std::string password;
  /// How long connecting may take.
  std::chrono::milliseconds connect_timeout{2000};
  /// Idle connections kept open for the next stages; more are closed when given back.
  std::size_t max_idle = 4;

  /// The options of a server at `"host:port"` (the port after the last colon), the rest as above.
  static options at(std::string_view host_port) {
    options o;
    const auto colon = host_port.rfind(':');
    if (colon == std::string_view::npos)
      throw error{"redis: \"" + std::string(host_port) + "\" is not host:port"};
    o.host = std::string(host_port.substr(0, colon));
    o.port = std::stoi(std::string(host_port.substr(colon + 1)));
    return o;
  }
};

/// A Redis stream message's fields, in order: (field, value) pairs.
using fields = std::vector<std::pair<std::string, std::string>>;

namespace detail {

struct reply_deleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

inline void free_context(redisContext* c) noexcept {
  redisFree(c);
}

/// Opens a connection (and authenticates it) on the calling thread, or throws (the caller
/// prefixes the message with its name).
inline redisContext* connect(const options& o) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(o.connect_timeout).count();
  const timeval tv{static_cast<decltype(tv.tv_sec)>(us / 1'000'000),
                   static_cast<decltype(tv.tv_usec)>(us % 1'000'000)};
  redisContext* c = redisConnectWithTimeout(o.host.c_str(), o.port, tv);
  const std::string where = o.host + ":" + std::to_string(o.port);
  if (!c) throw error{"cannot connect to " + where + ": out of memory"};
  if (c->err) {
    std::string why = c->errstr;
    redisFree(c);
    throw error{"cannot connect to " + where + ": " + why};
  }
  if (!o.password.empty()) {
    reply_ptr r{static_cast<redisReply*>(redisCommand(c, "AUTH %b", o.password.data(), o.password.size()))};
    if (!r || r->type == REDIS_REPLY_ERROR) {
      std::string why = r ? std::string(r->str, r->len) : std::string(c->errstr);
      redisFree(c);
      throw error{"AUTH failed at " + where + ": " + why};
    }
  }
  return c;
}

/// The connections to one server, which stages borrow one at a time on their worker threads.
class pool : public sql::detail::pool_base<redisContext*, &free_context> {
 public:
  explicit pool(options o) : pool_base{o.max_idle}, options_{std::move(o)} {}

  /// An idle connection, else a new one (on the calling thread).
  redisContext* acquire() {
    if (auto c = take_idle()) return *c;
    redisContext* c = connect(options_);
    count_opened();
    return c;
  }
  /// Takes a connection back if it is sound and has no reply left unread; closes it otherwise.
  void release(redisContext* c, bool reusable) noexcept {
    if (reusable && c->err == 0)
      keep_or_close(c);
    else
      close(c);
  }
  const options& settings() const noexcept { return options_; }

 private:
  options options_;
};

/// A connection borrowed from a pool for as long as it lives (on one worker thread).
class lease {
 public:
  /// Borrows a connection; a failure to connect names `who` (the stage).
  lease(std::shared_ptr<pool> p, std::string_view who) : pool_{std::move(p)}, c_{acquire(who)} {}
  lease(lease&& o) noexcept : pool_{std::move(o.pool_)}, c_{std::exchange(o.c_, nullptr)}, sound_{o.sound_} {}
  lease& operator=(lease&&) = delete;
  ~lease() {
    if (c_) pool_->release(c_, sound_);
  }
  redisContext* get() const noexcept { return c_; }
  /// Replies may be left unread: the connection is closed instead of given back.
  void spoil() noexcept { sound_ = false; }
  const options& settings() const noexcept { return pool_->settings(); }

  /// Runs one command (`argv`, binary-safe) and gives its reply; throws on a lost connection
  /// or an error reply, naming `what`.
  reply_ptr command(const std::vector<std::string>& argv, const std::string& what) {
    std::vector<const char*> a;
    std::vector<std::size_t> n;
    for (const auto& s : argv) {
      a.push_back(s.data());
      n.push_back(s.size());
    }
    reply_ptr r{
        static_cast<redisReply*>(redisCommandArgv(c_, static_cast<int>(a.size()), a.data(), n.data()))};
    if (!r) {
      spoil();
      throw error{what + ": the connection to " + where() + " failed: " + c_->errstr};
    }
    if (r->type == REDIS_REPLY_ERROR) throw error{what + ": " + std::string(r->str, r->len)};
    return r;
  }
  std::string where() const { return settings().host + ":" + std::to_string(settings().port); }

 private:
  redisContext* acquire(std::string_view who) {
    try {
      return pool_->acquire();
    } catch (const error& e) {
      throw error{std::string(who) + ": " + e.what()};
    }
  }

  std::shared_ptr<pool> pool_;
  redisContext* c_;
  bool sound_ = true;
};

}  // namespace detail

/// A Redis server with a pool of connections: each running stage borrows one of its own on its
/// worker thread (a hiredis context is used by one thread at a time, never shared) and gives it
/// back when it ends, unless it failed. Nothing connects before the first stage runs. Copies
/// share the pool.
///
///     coflow::redis::server r{{.host = "127.0.0.1", .port = 6379}};
class server {
 public:
  explicit server(options o = {}) : pool_{std::make_shared<detail::pool>(std::move(o))} {}

  /// Runs one command on the calling thread (it blocks) and gives the reply as text: a status,
  /// string or integer reply's value, empty for nil. For setup and checks (`DEL s`, `XLEN s`).
  std::string command(const std::vector<std::string>& argv) const {
    const std::string what = "redis: " + (argv.empty() ? std::string{} : argv.front());
    detail::lease l{pool_, what};
    auto r = l.command(argv, what);
    if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) return std::string(r->str, r->len);
    return {};
  }

  /// Connections open now (in use or idle).
  [[nodiscard]] std::size_t open_connections() const { return pool_->open(); }
  /// Connections open and waiting for a stage.
  [[nodiscard]] std::size_t idle_connections() const { return pool_->idle(); }
  const std::shared_ptr<detail::pool>& pool() const noexcept { return pool_; }

 private:
  std::shared_ptr<detail::pool> pool_;
};

}  // namespace coflow::redis
