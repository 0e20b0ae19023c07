// SPDX-License-Identifier: BSL-1.0
// Redis Streams: appending messages with `redis::xadd` against a raw hiredis loop that
// pipelines XADD in batches of the same size, and consuming them with `read_group | ack`
// against a raw XREADGROUP + pipelined XACK loop. The server is the one the tests use
// (scripts/services.sh), named by COFLOW_REDIS ("host:port"); skipped without it.
#include <coflow/redis.hpp>

#include <coflow/coflow.hpp>
#include <coflow/stages/map.hpp>

#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace redis = coflow::redis;

constexpr int messages = 20'000;
constexpr std::size_t batch = 512;

std::optional<redis::options> settings() {
  const char* c = std::getenv("COFLOW_REDIS");
  if (!c || !*c) return std::nullopt;
  return redis::options::at(c);
}

redis::fields numbered(int i) {
  return {{"n", std::to_string(i)}, {"payload", "some text of a message"}};
}

redisContext* raw_connect(const redis::options& o) {
  return redisConnect(o.host.c_str(), o.port);
}

void raw_command(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> a;
  std::vector<std::size_t> n;
  for (const auto& s : argv) {
    a.push_back(s.data());
    n.push_back(s.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(a.size()), a.data(), n.data());
}

void raw_replies(redisContext* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    void* r = nullptr;
    if (redisGetReply(c, &r) == REDIS_OK) freeReplyObject(r);
  }
}

void raw_xadd_all(redisContext* c, const std::string& stream) {
  std::size_t pending = 0;
  for (int i = 0; i < messages; ++i) {
    const auto f = numbered(i);
    raw_command(c, {"XADD", stream, "*", f[0].first, f[0].second, f[1].first, f[1].second});
    if (++pending == batch) raw_replies(c, std::exchange(pending, 0));
  }
  raw_replies(c, pending);
}

void raw_hiredis_xadd(benchmark::State& state) {
  auto o = settings();
  if (!o) return state.SkipWithError("COFLOW_REDIS is not set");
  redisContext* c = raw_connect(*o);
  for (auto _ : state) {
    raw_command(c, {"DEL", "bench-raw"});
    raw_replies(c, 1);
    raw_xadd_all(c, "bench-raw");
  }
  redisFree(c);
  state.SetItemsProcessed(state.iterations() * messages);
}

void coflow_xadd(benchmark::State& state) {
  auto o = settings();
  if (!o) return state.SkipWithError("COFLOW_REDIS is not set");
  redis::server r{*o};
  redis::write_options w;
  w.batch = batch;
  for (auto _ : state) {
    r.command({"DEL", "bench-coflow"});
    const auto n = coflow::iota(0, messages) | coflow::map(numbered) | redis::xadd(r, "bench-coflow", w);
    if (n != messages) state.SkipWithError("wrong number of messages written");
  }
  state.SetItemsProcessed(state.iterations() * messages);
}

// Consuming: the stream is filled (untimed), then read through a new group and acknowledged.
std::int64_t raw_read_and_ack(redisContext* c, const std::string& stream) {
  std::int64_t sum = 0;
  for (;;) {
    auto* r = static_cast<redisReply*>(
        redisCommand(c, "XREADGROUP GROUP g c COUNT 256 STREAMS %s >", stream.c_str()));
    if (!r || r->type != REDIS_REPLY_ARRAY) {
      if (r) freeReplyObject(r);
      return sum;
    }
    const redisReply* entries = r->element[0]->element[1];
    for (std::size_t i = 0; i < entries->elements; ++i) {
      const redisReply* e = entries->element[i];
      sum += std::atoll(e->element[1]->element[1]->str);
      raw_command(c, {"XACK", stream, "g", std::string(e->element[0]->str, e->element[0]->len)});
    }
    raw_replies(c, entries->elements);
    freeReplyObject(r);
  }
}

void fill(redis::server& r, const std::string& stream) {
  r.command({"DEL", stream});
  (void)(coflow::iota(0, messages) | coflow::map(numbered) | redis::xadd(r, stream));
  r.command({"XGROUP", "CREATE", stream, "g", "0"});
}

void raw_hiredis_read_ack(benchmark::State& state) {
  auto o = settings();
  if (!o) return state.SkipWithError("COFLOW_REDIS is not set");
  redis::server r{*o};
  redisContext* c = raw_connect(*o);
  for (auto _ : state) {
    state.PauseTiming();
    fill(r, "bench-raw-read");
    state.ResumeTiming();
    if (raw_read_and_ack(c, "bench-raw-read") != std::int64_t{messages} * (messages - 1) / 2)
      state.SkipWithError("wrong sum");
  }
  redisFree(c);
  state.SetItemsProcessed(state.iterations() * messages);
}

void coflow_read_group_ack(benchmark::State& state) {
  auto o = settings();
  if (!o) return state.SkipWithError("COFLOW_REDIS is not set");
  redis::server r{*o};
  redis::read_options read;
  read.block = std::chrono::milliseconds{1};  // the end is one empty read that waits this long
  read.create_group = false;
  read.end_when_idle = true;
  redis::write_options acks;
  acks.batch = 256;
  for (auto _ : state) {
    state.PauseTiming();
    fill(r, "bench-coflow-read");
    state.ResumeTiming();
    std::int64_t sum = 0;
    const auto n = redis::read_group(r, "bench-coflow-read", "g", "c", read) |
                   coflow::map([&](redis::message m) {
                     sum += redis::field<std::int64_t>(m, "n");
                     return m;
                   }) |
                   redis::ack(r, "bench-coflow-read", "g", acks);
    if (n != messages || sum != std::int64_t{messages} * (messages - 1) / 2) state.SkipWithError("wrong sum");
  }
  state.SetItemsProcessed(state.iterations() * messages);
}

}  // namespace

BENCHMARK(raw_hiredis_xadd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_xadd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(raw_hiredis_read_ack)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(coflow_read_group_ack)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
