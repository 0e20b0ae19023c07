// SPDX-License-Identifier: BSL-1.0
// coflow/sql/detail/statement_cache.hpp - a connection's prepared statements, by SQL text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coflow::sql::detail {

/// The prepared statements a connection keeps for reuse, keyed by their SQL text, at most
/// `capacity` of them; the least recently used one goes first. A statement in use is taken out
/// (`take`) and put back when done (`put`), so the same text running twice at once on one
/// connection (a query inside a transaction's loop over another) gets a second statement.
/// Freeing a statement is the driver's: `put` and `clear` give back what leaves the cache.
template <class Stmt>
class statement_cache {
 public:
  static constexpr std::size_t capacity = 32;

  /// The cached statement for `sql`, taken out of the cache; nothing if there is none.
  std::optional<Stmt> take(std::string_view sql) {
    for (std::size_t i = entries_.size(); i-- > 0;) {
      if (entries_[i].sql != sql) continue;
      Stmt s = std::move(entries_[i].stmt);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      return s;
    }
    return std::nullopt;
  }

  /// Keeps `s` as the most recently used statement for `sql`; gives back the one it pushed out
  /// (the least recently used, when the cache was full), for the driver to free.
  std::optional<Stmt> put(std::string sql, Stmt s) {
    std::optional<Stmt> out;
    if (entries_.size() == capacity) {
      out.emplace(std::move(entries_.front().stmt));
      entries_.erase(entries_.begin());
    }
    entries_.push_back(entry{std::move(sql), std::move(s)});
    return out;
  }

  /// Every statement, for the driver to free (the cache is empty after it).
  std::vector<Stmt> clear() {
    std::vector<Stmt> all;
    for (auto& e : entries_) all.push_back(std::move(e.stmt));
    entries_.clear();
    return all;
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::string sql;
    Stmt stmt;
  };
  std::vector<entry> entries_;  // least recently used first
};

}  // namespace coflow::sql::detail
