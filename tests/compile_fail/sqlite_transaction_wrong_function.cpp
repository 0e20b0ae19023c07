// SPDX-License-Identifier: BSL-1.0
// A sqlite interaction whose function takes the database instead of the transaction.
// expect: coflow::sqlite::database::transaction: the function must be callable with a
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sql/sqlite.hpp>

int main() {
  coflow::scheduler sched;
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto d = db.transaction(sched, [](coflow::sqlite::database& d) { d.execute("DELETE FROM t"); });
#else
  auto d = db.transaction(sched, [](coflow::sqlite::transaction& tx) { tx.execute("DELETE FROM t"); });
#endif
  (void)d;
}
