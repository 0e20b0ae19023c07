// SPDX-License-Identifier: BSL-1.0
// Fuzzes coflow::chunk against a model: any chunk size from 1 to 16, values, cooperates and
// maybe an upstream failure anywhere, and a consumer that may stop early. Every path (next(),
// block, drive) must show the model's whole trace: no value is lost, not even before a failure.
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/chunk.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using namespace coflow_fuzz;
using ints = std::vector<int>;
using chunks = trace<ints>;

// One entry of the upstream's script.
struct entry {
  enum kind_t { value, coop, fail } kind;
  int v = 0;  // the value, or the failure's number
};

struct fuzz_case {
  std::size_t n = 1;
  std::size_t stop = 0;  // the consumer stops after this many chunks; 0: never
  std::vector<entry> script;
};

fuzz_case decode(FuzzedDataProvider& in) {
  fuzz_case c;
  c.n = in.ConsumeIntegralInRange<std::size_t>(1, 16);
  c.stop = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  const bool failing = in.ConsumeBool();  // most scripts should reach their end
  int failures = 0;
  while (in.remaining_bytes() > 0 && c.script.size() < 300) {
    const int op = in.ConsumeIntegralInRange(0, 15);
    if (op == 0)
      c.script.push_back({entry::coop});
    else if (op == 1 && failing)
      c.script.push_back({entry::fail, failures++});
    else
      c.script.push_back({entry::value, in.ConsumeIntegral<int>()});
  }
  return c;
}

std::string describe(const fuzz_case& c) {
  std::string out = "n=" + std::to_string(c.n) + " stop=" + std::to_string(c.stop) + " script=[";
  for (const entry& e : c.script) {
    if (e.kind == entry::value)
      out += std::to_string(e.v) + " ";
    else if (e.kind == entry::coop)
      out += "cooperate ";
    else
      out += "failure(" + std::to_string(e.v) + ") ";
  }
  return out + "]";
}

std::string failure_message(int number) {
  return "upstream " + std::to_string(number);
}

// The documented behaviour: chunks of n in order; the partial chunk goes out before the end
// and before a failure; a cooperate passes through and keeps the partial chunk.
chunks model(const fuzz_case& c) {
  chunks out;
  ints buf;
  auto flush = [&] {
    if (!buf.empty()) out.emplace_back(std::in_place_index<0>, std::exchange(buf, {}));
  };
  for (const entry& e : c.script) {
    if (e.kind == entry::coop) {
      out.emplace_back(coop_mark{});
    } else if (e.kind == entry::fail) {
      flush();
      out.emplace_back(end_mark{std::string(upstream_error_type), failure_message(e.v)});
      return out;
    } else {
      buf.push_back(e.v);
      if (buf.size() == c.n) flush();
    }
  }
  flush();
  out.emplace_back(end_mark{});
  return out;
}

// The whole script, cooperates and entries after a failure included.
auto scripted_stage(const fuzz_case& c) {
  std::vector<coflow::step<int>> steps;
  for (const entry& e : c.script) {
    if (e.kind == entry::value)
      steps.emplace_back(e.v);
    else if (e.kind == entry::coop)
      steps.emplace_back(coflow::cooperate{});
    else
      steps.emplace_back(coflow::failure::make(upstream_error{failure_message(e.v)}));
  }
  return coflow::scripted_source<int>{std::move(steps)} | coflow::chunk(c.n);
}

// The values up to the first failure, from an upstream that cannot cooperate (so it drives).
auto played_stage(const fuzz_case& c) {
  ints values;
  std::optional<std::string> failure;
  for (const entry& e : c.script) {
    if (e.kind == entry::fail) {
      failure = failure_message(e.v);
      break;
    }
    if (e.kind == entry::value) values.push_back(e.v);
  }
  return played_source<int>{std::move(values), std::move(failure)} | coflow::chunk(c.n);
}

bool fails(const fuzz_case& c) {
  for (const entry& e : c.script)
    if (e.kind == entry::fail) return true;
  return false;
}

auto from_stage(const fuzz_case& c) {
  ints values;
  for (const entry& e : c.script)
    if (e.kind == entry::value) values.push_back(e.v);
  return coflow::from(std::move(values)) | coflow::chunk(c.n);
}

// `model`: the whole trace without cooperates, before the consumer's stop.
template <class Describe>
void expect_driven(const chunks& model, const fuzz_case& c, const chunks& seen, Describe&& input) {
  const chunks expected = stopped_after(model, c.stop);
  expect_same("push (drive)", expected, seen, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in{data, size};
  const fuzz_case c = decode(in);
  auto input = [&] { return describe(c); };
  const chunks whole = model(c);

  auto pulled = scripted_stage(c);
  expect_same("pull (next)", whole, pull_trace(pulled), input);

  const chunks plain = without_cooperates(whole);
  const chunks seen = stopped_after(plain, c.stop);
  expect_same("pull (block)", seen, block_trace(scripted_stage(c), c.stop), input);
  expect_same("pull (block, no cooperates)", seen, block_trace(played_stage(c), c.stop), input);
  static_assert(coflow::drivable<decltype(played_stage(c))>);
  expect_driven(plain, c, push_trace(played_stage(c), c.stop), input);
  if (!fails(c)) expect_same("push (from, drive)", seen, push_trace(from_stage(c), c.stop), input);
  return 0;
}
