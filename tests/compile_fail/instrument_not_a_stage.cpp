// SPDX-License-Identifier: BSL-1.0
// instrument() of a sink: a flow is instrumented before its sink is attached.
// expect: coflow::instrument: the argument (Flow) is neither a stage nor a range
#include <coflow/coflow.hpp>
#include <coflow/profiling/instrument.hpp>

#include <utility>

int main() {
#if COFLOW_MISUSE
  auto counted = coflow::instrument(coflow::to_vector());
  (void)counted;
#else
  auto [flow, stats] = coflow::instrument(coflow::iota(0, 3));
  auto v = std::move(flow) | coflow::to_vector();
  (void)v;
  (void)stats;
#endif
}
