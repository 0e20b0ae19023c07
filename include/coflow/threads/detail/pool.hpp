// SPDX-License-Identifier: BSL-1.0
// coflow/threads/detail/pool.hpp - the bookkeeping of a pool of connections (to a database, a
// Redis server) that worker threads borrow.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace coflow::detail {

/// What the drivers' pools (SQLite, PostgreSQL, Redis) share: the idle connections (at most
/// `max_idle` of them) and how many are open in all, under one lock, for stages that borrow a
/// connection on their worker threads. Opening a connection and deciding whether one can be
/// reused is the driver's; `Close` closes one.
template <class Handle, auto Close>
class pool_base {
 public:
  pool_base(const pool_base&) = delete;
  pool_base& operator=(const pool_base&) = delete;

  /// Connections waiting for a query.
  std::size_t idle() const {
    std::lock_guard lock{mutex_};
    return idle_.size();
  }
  /// Connections open now (in use or idle).
  std::size_t open() const {
    std::lock_guard lock{mutex_};
    return open_;
  }

 protected:
  explicit pool_base(std::size_t max_idle) noexcept : max_idle_{max_idle} {}
  ~pool_base() {
    for (Handle h : idle_) Close(h);
  }

  /// An idle connection, if there is one.
  std::optional<Handle> take_idle() {
    std::lock_guard lock{mutex_};
    if (idle_.empty()) return std::nullopt;
    Handle h = idle_.back();
    idle_.pop_back();
    return h;
  }
  /// Counts a connection the driver has just opened.
  void count_opened() {
    std::lock_guard lock{mutex_};
    ++open_;
  }
  /// Keeps `h` for the next query, or closes it when enough are idle already.
  void keep_or_close(Handle h) noexcept {
    {
      std::lock_guard lock{mutex_};
      if (idle_.size() < max_idle_) {
        idle_.push_back(h);
        return;
      }
    }
    close(h);
  }
  void close(Handle h) noexcept {
    Close(h);
    std::lock_guard lock{mutex_};
    --open_;
  }

 private:
  const std::size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<Handle> idle_;
  std::size_t open_ = 0;
};

}  // namespace coflow::detail
