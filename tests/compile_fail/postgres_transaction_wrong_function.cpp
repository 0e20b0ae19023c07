// SPDX-License-Identifier: BSL-1.0
// A postgres interaction whose function takes the database instead of the transaction.
// expect: coflow::postgres::database::transaction: the function must be callable with a
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sql/postgres.hpp>

int main() {
  coflow::scheduler sched;
  coflow::postgres::database db{"host=127.0.0.1"};
#if COFLOW_MISUSE
  auto d = db.transaction(sched, [](coflow::postgres::database& d) { d.execute("DELETE FROM t"); });
#else
  auto d = db.transaction(sched, [](coflow::postgres::transaction& tx) { tx.execute("DELETE FROM t"); });
#endif
  (void)d;
}
