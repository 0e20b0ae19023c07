// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/transaction_state.hpp - what the drivers' transactions share: whether a
// transaction can still run statements, the session its statements run on, and how it ends.
#pragma once

#include <memory>
#include <string>
#include <utility>

namespace coflow::sql::detail {

/// What the drivers' transactions (and the statements prepared in them) share about the
/// transaction: whether it still runs statements, and why not. A failure of a statement inside
/// a transaction rolls it back (`Driver::rollback(conn)`); later statements fail with `Error`,
/// saying so. Outside a transaction (a statement prepared on a connection of its own), failures
/// change nothing.
template <class Error>
struct transaction_state {
  bool in_transaction = false;
  bool usable = true;
  const char* ended = "";

  void check(const std::string& sql) const {
    if (!usable) throw Error{std::string{"the transaction was "} + ended + "; begin a new one", sql};
  }
  /// Marks the transaction ended (`rollback()` runs first, for an abort); no-op outside one.
  template <class Rollback>
  void end(const char* why, Rollback&& rollback) noexcept {
    if (!in_transaction || !usable) return;
    rollback();
    usable = false;
    ended = why;
  }
  /// Runs `f()`; a failure inside the transaction rolls it back first.
  template <class F, class Rollback>
  decltype(auto) guarded(const std::string& sql, F&& f, Rollback&& rollback) {
    check(sql);
    try {
      return std::forward<F>(f)();
    } catch (...) {
      end("rolled back after a failed statement", rollback);
      throw;
    }
  }
};

/// A connection held for a transaction or for statements prepared on it: the transaction and
/// its prepared statements share it, and it goes back to the pool when the last of them ends.
/// `S` is the driver's session, which gives `rollback() noexcept` (of an open transaction) and
/// `run_plain(sql)` (a statement without parameters or rows).
template <class S, class Error>
struct session_base {
  transaction_state<Error> state;

  /// Ends the transaction, rolling it back (see `transaction_state::end`).
  void abort(const char* why) noexcept {
    state.end(why, [this] { self().rollback(); });
  }
  /// Runs `f()`, the work of statement `sql`: a failure inside the transaction rolls it back.
  template <class F>
  decltype(auto) guarded(const std::string& sql, F&& f) {
    return state.guarded(sql, std::forward<F>(f), [this] { self().rollback(); });
  }

 private:
  S& self() noexcept { return static_cast<S&>(*this); }
};

/// What the drivers' `transaction`s share: the session `S` (a `session_base<S, Error>`) they
/// hold with their prepared statements, and how they end.
template <class S, class Error>
class transaction_base {
 public:
  transaction_base(transaction_base&&) noexcept = default;
  transaction_base& operator=(transaction_base&&) = delete;
  ~transaction_base() {
    if (s_) s_->abort("rolled back");
  }

  /// Commits; on failure the transaction is rolled back and the error thrown.
  void commit() { end("COMMIT", "committed"); }
  /// Rolls back now.
  void rollback() { end("ROLLBACK", "rolled back"); }
  /// True until committed, rolled back or failed.
  [[nodiscard]] bool active() const noexcept { return s_ && s_->state.usable; }

 protected:
  /// Begins a transaction on `s` with the statement `begin` (`BEGIN`, `BEGIN IMMEDIATE`).
  transaction_base(std::shared_ptr<S> s, const char* begin) : s_{std::move(s)} { s_->run_plain(begin); }

  /// The session, for statement `sql`: fails once the transaction was moved from or ended.
  S& live(const std::string& sql) {
    if (!s_) throw Error{"the transaction was moved from, committed or rolled back", sql};
    return *s_;
  }

  std::shared_ptr<S> s_;

 private:
  void end(const char* statement, const char* ended) {
    live(statement).guarded(statement, [&] { s_->run_plain(statement); });
    s_->state.usable = false;
    s_->state.ended = ended;
    s_.reset();  // the connection goes back once no prepared statement holds it
  }
};

}  // namespace coflow::sql::detail
