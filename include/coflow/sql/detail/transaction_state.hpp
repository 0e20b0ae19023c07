// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/transaction_state.hpp - whether a transaction can still run statements.
#pragma once

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

}  // namespace coflow::sql::detail
