// SPDX-License-Identifier: BSL-1.0
// Runs against a real Redis server named by COFLOW_REDIS ("host:port"); without it every test
// reports a skip. scripts/test.sh starts one; by hand:
//   . scripts/services.sh && start_services && ctest --test-dir build/debug -R Redis; stop_services
#include <coflow/redis.hpp>

#include "paths/harness.hpp"

#include <coflow/coflow.hpp>
#include <coflow/stages/map.hpp>
#include <coflow/stages/take.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using ::testing::HasSubstr;
namespace redis = coflow::redis;

namespace {

class Redis : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* c = std::getenv("COFLOW_REDIS");
    if (!c || !*c)
      GTEST_SKIP() << "COFLOW_REDIS is not set: no Redis server to test against "
                      "(run `. scripts/services.sh && start_services` first, or scripts/test.sh)";
    settings = redis::options::at(c);
    // Each test gets a stream of its own: tests may run in parallel (ctest -j) on one server.
    static std::atomic<int> n{0};
    stream = "coflow-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
  }
  void TearDown() override {
    if (!stream.empty()) redis::server{settings}.command({"DEL", stream});
  }

  // Reads what the group delivers to `consumer` until nothing new comes, at most `most` (a
  // claim pass with min_idle 0 would take back what is being acknowledged): the ids.
  std::vector<std::string> drain(const redis::server& r, const std::string& consumer,
                                 redis::read_options o = {}, std::size_t most = 1'000'000) {
    o.end_when_idle = true;
    o.block = std::chrono::milliseconds{20};
    std::vector<std::string> ids;
    auto n = redis::read_group(r, stream, "g", consumer, o) | coflow::take(most) |
             coflow::map([&](redis::message m) {
               ids.push_back(m.id);
               return m;
             }) |
             redis::ack(r, stream, "g");
    EXPECT_EQ(n, static_cast<std::int64_t>(ids.size()));
    return ids;
  }

  redis::options settings;
  std::string stream;
};

redis::fields numbered(int i) {
  return {{"n", std::to_string(i)}, {"name", "item " + std::to_string(i)}};
}

// A redis-server of the test's own (from PATH, as scripts/services.sh starts it) on a free
// port, which the test kills (SIGKILL) and starts again on the same port. Its append-only file
// is written and fsync'd before each reply, so a restart keeps every write a client saw
// answered: the stream, the group, what was delivered and what was acknowledged.
class own_server {
 public:
  own_server() : dir_{make_dir()}, port_{free_port()} { start(); }
  own_server(const own_server&) = delete;
  own_server& operator=(const own_server&) = delete;
  ~own_server() {
    stop();
    std::filesystem::remove_all(dir_);
  }
  std::string where() const { return "127.0.0.1:" + std::to_string(port_); }
  void restart() {
    stop();
    start();
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  static std::string make_dir() {
    std::string d = (std::filesystem::temp_directory_path() / "coflow-redis-restart.XXXXXX").string();
    if (!::mkdtemp(d.data())) throw std::runtime_error("mkdtemp failed");
    return d;
  }
  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("no free port");
    ::close(fd);
    return ntohs(a.sin_port);
  }
  void start() {
    std::vector<std::string> args{
        "redis-server", "--bind", "127.0.0.1",    "--port",    std::to_string(port_),
        "--save",       "",       "--appendonly", "yes",       "--appendfsync",
        "always",       "--dir",  dir_,           "--logfile", dir_ + "/redis.log"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start redis-server");
    wait_until_up();
  }
  // Bounded: 400 tries, 25 ms apart (10 s), until it answers PING (not LOADING).
  void wait_until_up() const {
    for (int i = 0; i < 400; ++i) {
      redisContext* c = redisConnect("127.0.0.1", port_);
      bool up = c && !c->err;
      if (up) {
        auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
        up = r && r->type == REDIS_REPLY_STATUS;
        if (r) freeReplyObject(r);
      }
      if (c) redisFree(c);
      if (up) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{25});
    }
    throw std::runtime_error("the test's redis-server did not answer on port " + std::to_string(port_));
  }

  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

TEST_F(Redis, TenThousandMessagesGoRoundTripInOrderAndAreAcknowledged) {
  redis::server r{settings};
  constexpr int count = 10'000;
  EXPECT_EQ(coflow::iota(0, count) | coflow::map(numbered) | redis::xadd(r, stream), count);
  EXPECT_EQ(r.command({"XLEN", stream}), std::to_string(count));

  std::int64_t expected = 0;
  bool in_order = true;
  redis::read_options o;
  o.end_when_idle = true;
  o.block = std::chrono::milliseconds{20};
  auto acked = redis::read_group(r, stream, "g", "c1", o) | coflow::map([&](redis::message m) {
                 const auto n = redis::field<std::int64_t>(m, "n");
                 in_order = in_order && n == expected &&
                            redis::field<std::string>(m, "name") == "item " + std::to_string(n);
                 ++expected;
                 return m;
               }) |
               redis::ack(r, stream, "g");
  EXPECT_EQ(acked, count);
  EXPECT_EQ(expected, count);
  EXPECT_TRUE(in_order);
  // Everything was acknowledged: the same consumer, started again, has nothing pending.
  EXPECT_TRUE(drain(r, "c1").empty());
  EXPECT_EQ(r.open_connections(), r.idle_connections());
}

TEST_F(Redis, MaxlenTrimsTheStream) {
  redis::server r{settings};
  redis::write_options w;
  w.maxlen = 10;
  w.batch = 7;
  EXPECT_EQ(coflow::iota(0, 1000) | coflow::map(numbered) | redis::xadd(r, stream, w), 1000);
  // MAXLEN ~ trims whole nodes only: fewer than all, at least 10.
  const int left = std::stoi(r.command({"XLEN", stream}));
  EXPECT_GE(left, 10);
  EXPECT_LT(left, 1000);
}

TEST_F(Redis, AMessageNotFinishedStaysPendingAndIsClaimedByAnotherConsumer) {
  redis::server r{settings};
  EXPECT_EQ(coflow::iota(0, 10) | coflow::map(numbered) | redis::xadd(r, stream), 10);
  // c1 finishes 5 messages, then stops: what it read ahead is delivered but not acknowledged.
  redis::read_options o;
  o.block = std::chrono::milliseconds{20};
  std::vector<std::string> first;
  auto n = redis::read_group(r, stream, "g", "c1", o) | coflow::take(5) | coflow::map([&](redis::message m) {
             first.push_back(m.id);
             return m;
           }) |
           redis::ack(r, stream, "g");
  EXPECT_EQ(n, 5);
  // Another consumer sees no new message, and claims nothing not yet idle for an hour.
  redis::read_options patient;
  patient.min_idle = std::chrono::hours{1};
  EXPECT_TRUE(drain(r, "c2", patient).empty());
  // Claiming what is idle at all, c2 gets exactly the five c1 left, in order.
  redis::read_options eager;
  eager.min_idle = std::chrono::milliseconds{0};
  const auto claimed = drain(r, "c2", eager, 5);
  ASSERT_EQ(claimed.size(), 5u);
  EXPECT_TRUE(std::is_sorted(claimed.begin(), claimed.end(), [](const std::string& a, const std::string& b) {
    return std::stoull(a.substr(0, a.find('-'))) < std::stoull(b.substr(0, b.find('-'))) ||
           (a.substr(0, a.find('-')) == b.substr(0, b.find('-')) && a < b);
  }));
  for (const auto& id : claimed) EXPECT_EQ(std::count(first.begin(), first.end(), id), 0) << id;
  // All acknowledged now: c1 and c2, restarted, have nothing pending, nor anything to claim.
  EXPECT_TRUE(drain(r, "c1").empty());
  EXPECT_TRUE(drain(r, "c2", patient).empty());
}

TEST_F(Redis, ARestartedConsumerGetsItsOwnPendingMessagesFirst) {
  redis::server r{settings};
  EXPECT_EQ(coflow::iota(0, 4) | coflow::map(numbered) | redis::xadd(r, stream), 4);
  redis::read_options o;
  o.block = std::chrono::milliseconds{20};
  auto n = redis::read_group(r, stream, "g", "c1", o) | coflow::take(1) | redis::ack(r, stream, "g");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(coflow::iota(4, 6) | coflow::map(numbered) | redis::xadd(r, stream), 2);
  // Three read-ahead messages pending for c1, then the two new ones.
  EXPECT_EQ(drain(r, "c1").size(), 5u);
}

TEST_F(Redis, ARefusedConnectionNamesHostAndPort) {
  auto o = redis::options::at("127.0.0.1:1");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_THROW((void)redis::options::at("no-port"), redis::error);
  o.connect_attempts = 2;
  o.retry_interval = std::chrono::milliseconds{1};
  redis::server r{o};
  try {
    (void)(coflow::iota(0, 3) | coflow::map(numbered) | redis::xadd(r, stream));
    ADD_FAILURE() << "xadd did not fail";
  } catch (const redis::error& e) {
    EXPECT_THAT(
        e.what(),
        HasSubstr("redis::xadd: cannot connect to 127.0.0.1:1: Connection refused (2 attempts, 1 ms apart)"));
  }
  try {
    (void)(redis::read_group(r, stream, "g", "c1") | redis::ack(r, stream, "g"));
    ADD_FAILURE() << "read_group did not fail";
  } catch (const redis::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("redis::read_group: cannot connect to 127.0.0.1:1: Connection refused"));
  }
}

// A server restart in the middle of a producer's and of a consumer's flow: the lost
// connections are opened again and the flows go on; every message is appended and handled
// (some twice: at-least-once), and all are acknowledged in the end.
TEST_F(Redis, FlowsGoOnAcrossAServerRestartAndLoseNoMessage) {
  own_server srv;
  auto o = redis::options::at(srv.where());
  o.connect_attempts = 400;  // 10 s for the server to come back
  o.retry_interval = std::chrono::milliseconds{25};
  redis::server r{o};
  // A pooled connection whose server restarted is opened again on its next use.
  EXPECT_EQ(r.command({"PING"}), "PONG");
  srv.restart();
  EXPECT_EQ(r.command({"PING"}), "PONG");
  EXPECT_EQ(r.open_connections(), 1u);

  constexpr int count = 20'000;
  redis::write_options w;
  w.batch = 256;
  const auto added = coflow::iota(0, count) | coflow::map([&](int i) {
                       if (i == count / 4) srv.restart();
                       return numbered(i);
                     }) |
                     redis::xadd(r, "s", w);
  EXPECT_EQ(added, count);

  std::set<int> handled;
  std::int64_t deliveries = 0;
  redis::read_options ro;
  ro.end_when_idle = true;
  ro.block = std::chrono::milliseconds{20};
  const auto acked = redis::read_group(r, "s", "g", "c", ro) | coflow::map([&](redis::message m) {
                       if (++deliveries == count / 2) srv.restart();
                       handled.insert(redis::field<int>(m, "n"));
                       return m;
                     }) |
                     redis::ack(r, "s", "g", w);
  EXPECT_EQ(acked, deliveries);
  EXPECT_EQ(handled.size(), static_cast<std::size_t>(count));
  EXPECT_EQ(*handled.begin(), 0);
  EXPECT_EQ(*handled.rbegin(), count - 1);
  std::cout << "delivered " << deliveries << " for " << count << " messages\n";
  // Nothing was left pending: the consumer, started again, gets nothing.
  EXPECT_EQ(redis::read_group(r, "s", "g", "c", ro) | redis::ack(r, "s", "g"), 0);

  // A connection that cannot be opened again fails naming the server, after its attempts.
  auto once = redis::options::at(srv.where());
  once.connect_attempts = 3;
  once.retry_interval = std::chrono::milliseconds{10};
  redis::server gone{once};
  EXPECT_EQ(gone.command({"PING"}), "PONG");
  srv.stop();
  try {
    (void)gone.command({"PING"});
    ADD_FAILURE() << "PING did not fail";
  } catch (const redis::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("redis: PING: lost the connection to " + srv.where()));
    EXPECT_THAT(e.what(), HasSubstr("cannot connect to " + srv.where() +
                                    ": Connection refused (3 attempts, 10 ms apart)"));
  }
}

TEST_F(Redis, AnErrorReplyNamesTheMessage) {
  redis::server r{settings};
  r.command({"SET", stream, "not a stream"});
  try {
    (void)(coflow::iota(0, 3) | coflow::map(numbered) | redis::xadd(r, stream));
    ADD_FAILURE() << "xadd did not fail";
  } catch (const redis::error& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("redis::xadd: message 0 {\"n\": \"0\", \"name\": \"item 0\"} failed: WRONGTYPE"));
    EXPECT_THAT(e.what(), HasSubstr("0 other message(s) of the flow were written"));
  }
}

TEST_F(Redis, AMalformedFieldNamesTheMessageAndTheField) {
  redis::server r{settings};
  r.command({"XADD", stream, "*", "n", "1"});
  const std::string bad = r.command({"XADD", stream, "*", "n", "12x"});
  std::vector<std::int64_t> seen;
  redis::read_options o;
  o.end_when_idle = true;
  o.block = std::chrono::milliseconds{20};
  try {
    (void)(redis::read_group(r, stream, "g", "c1", o) | coflow::map([&](redis::message m) {
             return seen.emplace_back(redis::field<std::int64_t>(m, "n"));
           }) |
           coflow::to_vector());
    ADD_FAILURE() << "the flow did not fail";
  } catch (const redis::error& e) {
    EXPECT_THAT(e.what(), HasSubstr("message " + bad + ": field \"n\" holds \"12x\""));
  }
  EXPECT_EQ(seen, std::vector<std::int64_t>{1});
  redis::message m{"1-0", {{"a", "x"}}};
  EXPECT_THROW((void)redis::field<int>(m, "b"), redis::error);
  EXPECT_EQ(redis::field<double>(redis::message{"1-0", {{"d", "2.5"}}}, "d"), 2.5);
}

TEST_F(Redis, IntrospectionNamesReadGroup) {
  redis::server r{settings};
  auto flow = redis::read_group(r, stream, "g", "c") |
              coflow::map([](const redis::message& m) { return redis::field<int>(m, "n"); });
  EXPECT_EQ(std::string(coflow::describe(flow).view()),
            "redis::read_group<coflow::redis::message> | map -> int");
  EXPECT_EQ(std::string(
                coflow::describe(redis::read_group(r, stream, "g", "c"), redis::ack(r, stream, "g")).view()),
            "redis::read_group<coflow::redis::message> | redis::ack");
  const std::string dot = coflow::to_dot(flow, redis::xadd(r, stream));
  EXPECT_THAT(dot, HasSubstr("label=\"redis::read_group<coflow::redis::message>\""));
  EXPECT_THAT(dot, HasSubstr("label=\"redis::xadd\""));
}

// The paths of tests/paths/harness.hpp (pipe, block, scheduler, Asio, generator, threaded):
// `read_group | map(field)` gives the same values, and the same failure at the same place (a
// malformed field after them), on every path. Each run reads through a group of its own.
TEST_F(Redis, ReadGroupIsTheSameOnEveryPath) {
  redis::server r{settings};
  coflow_paths::for_random_cases(
      std::max<std::size_t>(coflow_paths::case_count(4), 1), [&](coflow_paths::rng& g) {
        const auto s = coflow_paths::random_script<int>(g, coflow_paths::small_int);
        r.command({"DEL", stream});
        for (int v : s.values) r.command({"XADD", stream, "*", "n", std::to_string(v)});
        if (s.fail >= 0) r.command({"XADD", stream, "*", "n", "not a number"});
        auto groups = std::make_shared<int>(0);
        coflow_paths::same_on_every_path(
            [this, r, groups] {
              redis::read_options o;
              o.end_when_idle = true;
              o.block = std::chrono::milliseconds{5};
              o.capacity = 2;
              o.count = 3;
              return redis::read_group(r, stream, "g" + std::to_string((*groups)++), "c", o) |
                     coflow::map([](const redis::message& m) { return redis::field<int>(m, "n"); });
            },
            coflow_paths::record_sink(coflow_paths::random_limit(g)));
      });
}

}  // namespace
