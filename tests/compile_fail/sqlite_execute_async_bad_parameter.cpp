// SPDX-License-Identifier: BSL-1.0
// A std::vector bound as a parameter of a sqlite execute_async: each ? takes one value.
// expect: coflow::sqlite::database::execute_async: a parameter type cannot be bound
#include <coflow/scheduling/scheduler.hpp>
#include <coflow/sql/sqlite.hpp>

#include <vector>

int main() {
  coflow::scheduler sched;
  coflow::sqlite::database db{"file:cf?mode=memory&cache=shared"};
#if COFLOW_MISUSE
  auto d = db.execute_async(sched, "DELETE FROM t WHERE id = ?", std::vector<int>{1, 2});
#else
  auto d = db.execute_async(sched, "DELETE FROM t WHERE id = ?", 1);
#endif
  (void)d;
}
