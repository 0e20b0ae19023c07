// SPDX-License-Identifier: BSL-1.0
// Uses coflow's SQLite driver (coflow::sqlite), its Asio driver (coflow::asio) and its Redis
// stages (coflow::redis, against a port where no server listens): exits 0 when all three did
// what they should.
#include <coflow/asio.hpp>
#include <coflow/control/block.hpp>
#include <coflow/redis.hpp>
#include <coflow/sources/iota.hpp>
#include <coflow/sql/sqlite.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <exception>
#include <string_view>
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

  // hiredis is linked and called: connecting to port 1 is refused, and the error says where.
  auto where = coflow::redis::options::at("127.0.0.1:1");
  where.connect_attempts = 1;
  bool refused = false;
  try {
    (void)coflow::redis::server{where}.command({"PING"});
  } catch (const coflow::redis::error& e) {
    refused = std::string_view{e.what()}.find("cannot connect to 127.0.0.1:1") != std::string_view::npos;
  }

  return total == 9 && got == std::vector<int>{1, 2, 3} && refused ? 0 : 1;
}
