// SPDX-License-Identifier: BSL-1.0
// Uses coflow's SQLite driver (coflow::sqlite) and its Asio driver (coflow::asio): exits 0 when
// both computed right.
#include <coflow/asio.hpp>
#include <coflow/control/block.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sql/sqlite.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <exception>
#include <utility>
#include <vector>

int main() {
  coflow::sqlite::database db{"file:consumer?mode=memory&cache=shared"};
  db.execute("CREATE TABLE t(x INTEGER)");
  db.execute("INSERT INTO t VALUES (4), (5)");
  std::int64_t total = 0;
  for (const std::int64_t x : coflow::block(coflow::sqlite::query<std::int64_t>(db, "SELECT x FROM t")))
    total += x;

  boost::asio::io_context ctx;
  std::vector<int> got;
  coflow::asio::async_run(ctx, coflow::iota(1, 4),
                          [&](std::exception_ptr, std::vector<int> v) { got = std::move(v); });
  ctx.run();

  return total == 9 && got == std::vector<int>{1, 2, 3} ? 0 : 1;
}
