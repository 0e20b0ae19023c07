// SPDX-License-Identifier: BSL-1.0
// Fuzzes coflow::line_break against a model: arbitrary bytes cut into arbitrary chunks, any
// delimiter, a small line limit, with or without a trailer, cooperates anywhere and maybe an
// upstream failure. Every path (next(), block, a sink) must show the model's whole trace.
#include <coflow/sources/from.hpp>
#include <coflow/sources/scripted.hpp>
#include <coflow/stages/line_break.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using namespace coflow_fuzz;
using lines = trace<std::string>;

// One entry of the upstream's script.
struct entry {
  enum kind_t { chunk, coop, fail } kind;
  std::string text;  // the chunk, or the failure's message
};

struct fuzz_case {
  char delim = '\n';
  std::size_t max_len = 0;
  bool trailer = false;
  std::size_t stop = 0;  // the consumer stops after this many lines; 0: never
  std::vector<entry> script;
};

std::string chunk_text(FuzzedDataProvider& in, char delim) {
  std::string s = in.ConsumeRandomLengthString(24);
  // Arbitrary bytes rarely equal the delimiter: half of the chunks get many.
  if (in.ConsumeBool())
    for (char& c : s)
      if ((static_cast<unsigned char>(c) & 3) == 0) c = delim;
  return s;
}

fuzz_case decode(FuzzedDataProvider& in) {
  fuzz_case c;
  c.delim = in.ConsumeIntegral<char>();
  c.max_len = in.ConsumeIntegralInRange<std::size_t>(0, 64);
  c.trailer = in.ConsumeBool();
  c.stop = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  const bool failing = in.ConsumeBool();  // most scripts should reach their end
  int failures = 0;
  while (in.remaining_bytes() > 0 && c.script.size() < 200) {
    const int op = in.ConsumeIntegralInRange(0, 11);
    if (op == 0)
      c.script.push_back({entry::coop, {}});
    else if (op == 1 && failing)
      c.script.push_back({entry::fail, "upstream " + std::to_string(failures++)});
    else
      c.script.push_back({entry::chunk, chunk_text(in, c.delim)});
  }
  return c;
}

std::string describe(const fuzz_case& c) {
  std::string out = "delim=" + show(std::string(1, c.delim)) + " max_len=" + std::to_string(c.max_len) +
                    " trailer=" + (c.trailer ? "1" : "0") + " stop=" + std::to_string(c.stop) + " script=[";
  for (const entry& e : c.script) {
    if (e.kind == entry::chunk)
      out += show(e.text) + " ";
    else if (e.kind == entry::coop)
      out += "cooperate ";
    else
      out += "failure(" + e.text + ") ";
  }
  return out + "]";
}

// The documented behaviour, written as plainly as possible: the pending text is everything
// after the last delimiter; each chunk first gives its complete lines, then the pending text
// is checked against the limit.
class model {
 public:
  explicit model(const fuzz_case& c) : c_{c} {}

  lines run() && {
    for (const entry& e : c_.script) {
      if (e.kind == entry::coop)
        out_.emplace_back(coop_mark{});
      else if (e.kind == entry::fail)
        return end(std::string(upstream_error_type), e.text);
      else if (!add(e.text))
        return too_long();
    }
    if (pending_.empty()) return end({}, {});
    if (!c_.trailer) {
      return end("std::runtime_error", "ends with " + std::to_string(pending_.size()) +
                                           " bytes without a line break (line " + std::to_string(lines_ + 1) +
                                           ")");
    }
    out_.emplace_back(std::in_place_index<0>, pending_);
    return end({}, {});
  }

 private:
  // Cuts the complete lines out of the pending text; false once a line is over the limit.
  bool add(std::string_view chunk) {
    pending_ += chunk;
    for (std::size_t at; (at = pending_.find(c_.delim)) != std::string::npos;) {
      if (at > c_.max_len) return false;
      out_.emplace_back(std::in_place_index<0>, pending_.substr(0, at));
      ++lines_;
      pending_.erase(0, at + 1);
    }
    return pending_.size() <= c_.max_len;
  }

  lines too_long() {
    return end("std::length_error", "line " + std::to_string(lines_ + 1) + " is longer than " +
                                        std::to_string(c_.max_len) + " bytes");
  }

  lines end(std::string type, std::string message) {
    out_.emplace_back(end_mark{std::move(type), std::move(message)});
    return std::move(out_);
  }

  const fuzz_case& c_;
  lines out_;
  std::string pending_;
  std::size_t lines_ = 0;
};

auto line_break_of(const fuzz_case& c) {
  return coflow::line_break(c.delim, c.max_len, c.trailer);
}

// The whole script, cooperates and entries after a failure included.
auto scripted_stage(const fuzz_case& c) {
  std::vector<coflow::step<std::string>> steps;
  for (const entry& e : c.script) {
    if (e.kind == entry::chunk)
      steps.emplace_back(e.text);
    else if (e.kind == entry::coop)
      steps.emplace_back(coflow::cooperate{});
    else
      steps.emplace_back(coflow::failure::make(upstream_error{e.text}));
  }
  return coflow::scripted_source<std::string>{std::move(steps)} | line_break_of(c);
}

// The chunks up to the first failure, from an upstream that cannot cooperate.
auto played_stage(const fuzz_case& c) {
  std::vector<std::string> chunks;
  std::optional<std::string> failure;
  for (const entry& e : c.script) {
    if (e.kind == entry::fail) {
      failure = e.text;
      break;
    }
    if (e.kind == entry::chunk) chunks.push_back(e.text);
  }
  return played_source<std::string>{std::move(chunks), std::move(failure)} | line_break_of(c);
}

bool fails(const fuzz_case& c) {
  for (const entry& e : c.script)
    if (e.kind == entry::fail) return true;
  return false;
}

auto from_stage(const fuzz_case& c) {
  std::vector<std::string> chunks;
  for (const entry& e : c.script)
    if (e.kind == entry::chunk) chunks.push_back(e.text);
  return coflow::from(std::move(chunks)) | line_break_of(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in{data, size};
  const fuzz_case c = decode(in);
  auto input = [&] { return describe(c); };
  const lines whole = model{c}.run();

  auto pulled = scripted_stage(c);
  expect_same("pull (next)", whole, pull_trace(pulled), input);

  const lines seen = stopped_after(without_cooperates(whole), c.stop);
  expect_same("pull (block)", seen, block_trace(scripted_stage(c), c.stop), input);
  expect_same("push (for_each)", seen, push_trace(played_stage(c), c.stop), input);
  if (!fails(c)) expect_same("push (from, for_each)", seen, push_trace(from_stage(c), c.stop), input);
  return 0;
}
