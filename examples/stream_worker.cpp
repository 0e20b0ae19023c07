// SPDX-License-Identifier: BSL-1.0
// A producer and a worker of a Redis stream's consumer group (see docs/distributed.md).
//
//   stream_worker produce HOST:PORT STREAM N      appends N messages {n: 0..N-1}
//   stream_worker work HOST:PORT STREAM GROUP CONSUMER MIN_IDLE_MS
//       handles messages until none is left (claiming what dead workers left pending for
//       MIN_IDLE_MS), printing "id n" for each before acknowledging it
//   stream_worker delete HOST:PORT STREAM
//
// examples/stream_worker_check.sh runs four workers and kills one mid-stream.
#include <coflow/redis.hpp>

#include <coflow/coflow.hpp>
#include <coflow/stages/map.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

namespace redis = coflow::redis;

namespace {

redis::server connect(const std::string& where) {
  return redis::server{redis::options::at(where)};
}

std::int64_t produce(const redis::server& r, const std::string& stream, int n) {
  return coflow::iota(0, n) | coflow::map([](int i) {
           return redis::fields{{"n", std::to_string(i)}};
         }) |
         redis::xadd(r, stream);
}

std::int64_t work(const redis::server& r, const std::string& stream, const std::string& group,
                  const std::string& consumer, std::chrono::milliseconds min_idle) {
  redis::read_options o;
  o.min_idle = min_idle;
  o.block = min_idle;  // so that, idle, a worker waits long enough to claim a dead one's messages
  o.end_when_idle = true;
  // A line is written out before its message is acknowledged: a killed worker leaves no
  // acknowledged message unprinted.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return redis::read_group(r, stream, group, consumer, o) | coflow::map([](redis::message m) {
           std::printf("%s %lld\n", m.id.c_str(), static_cast<long long>(redis::field<std::int64_t>(m, "n")));
           return m;
         }) |
         redis::ack(r, stream, group);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string cmd = argc > 3 ? argv[1] : "";
    if (cmd == "produce" && argc == 5) {
      std::fprintf(stderr, "appended %lld\n",
                   static_cast<long long>(produce(connect(argv[2]), argv[3], std::stoi(argv[4]))));
    } else if (cmd == "work" && argc == 7) {
      const auto n =
          work(connect(argv[2]), argv[3], argv[4], argv[5], std::chrono::milliseconds{std::stoi(argv[6])});
      std::fprintf(stderr, "%s acknowledged %lld\n", argv[5], static_cast<long long>(n));
    } else if (cmd == "delete" && argc == 4) {
      connect(argv[2]).command({"DEL", argv[3]});
    } else {
      std::fprintf(stderr,
                   "usage: stream_worker produce HOST:PORT STREAM N\n"
                   "       stream_worker work HOST:PORT STREAM GROUP CONSUMER MIN_IDLE_MS\n"
                   "       stream_worker delete HOST:PORT STREAM\n");
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stream_worker: %s\n", e.what());
    return 1;
  }
}
