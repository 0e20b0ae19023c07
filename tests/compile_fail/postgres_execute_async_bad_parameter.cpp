// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a parameter of a postgres execute_async: each $1 takes one value.
// expect: coflow::postgres::database::execute_async: a parameter type cannot be bound
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sql/postgres.hpp>

#include <vector>

int main() {
  coflow::scheduler sched;
  coflow::postgres::database db{"host=127.0.0.1"};
#if COFLOW_MISUSE
  auto d = db.execute_async(sched, "DELETE FROM t WHERE id = $1", std::vector<int>{1, 2});
#else
  auto d = db.execute_async(sched, "DELETE FROM t WHERE id = $1", 1);
#endif
  (void)d;
}
