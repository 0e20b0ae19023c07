// SPDX-License-Identifier: BSL-1.0
// coflow/redis/read_group.hpp - a consumer of a Redis stream's consumer group as a source.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coflow/detail/stop_token.hpp"
#include "coflow/redis/connection.hpp"
#include "coflow/redis/message.hpp"
#include "coflow/threads/threaded.hpp"

namespace coflow::redis {

/// How `read_group` reads.
struct read_options {
  /// Most messages one XREADGROUP (or XAUTOCLAIM) asks for: one chunk crossing to the flow.
  std::size_t count = 256;
  /// How long one XREADGROUP waits for new messages (its BLOCK); also how long a dropped
  /// source may take to notice.
  std::chrono::milliseconds block{100};
  /// Chunks of up to `count` messages read ahead of the flow (the ring's capacity).
  std::size_t capacity = 4;
  /// Create the group (`XGROUP CREATE stream group <group_start> MKSTREAM`) if it does not exist.
  bool create_group = true;
  /// Where a group created here starts: "0" (every message in the stream) or "$" (new ones).
  std::string group_start = "0";
  /// When set, messages other consumers of the group left pending for at least this long are
  /// claimed (`XAUTOCLAIM`) and delivered before new ones: at the start and whenever no new
  /// message came within `block`. It must be longer than a message takes through the flow:
  /// XAUTOCLAIM takes any message idle that long, one a live consumer still works on too.
  std::optional<std::chrono::milliseconds> min_idle;
  /// End the source when a read finds no new message within `block` and (with `min_idle`) the
  /// claim pass after it finds nothing to claim (batch jobs, tests); otherwise it reads until
  /// the flow drops it.
  bool end_when_idle = false;
};

namespace detail {

struct group_spec {
  std::string stream, group, consumer;
};

inline std::string text_of(const redisReply* r) {
  return r && r->str ? std::string(r->str, r->len) : std::string{};
}

/// Appends the entries of a reply (`[[id, [f, v, ...]], ...]`) to `out`; an entry whose message
/// was deleted (nil fields) is skipped. Gives the last id seen, or "".
inline std::string append_entries(const redisReply* entries, std::vector<message>& out) {
  std::string last;
  if (!entries || entries->type != REDIS_REPLY_ARRAY) return last;
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const redisReply* e = entries->element[i];
    if (e->type != REDIS_REPLY_ARRAY || e->elements < 2) continue;
    last = text_of(e->element[0]);
    const redisReply* f = e->element[1];
    if (f->type != REDIS_REPLY_ARRAY) continue;
    message m{last, {}};
    m.fields.reserve(f->elements / 2);
    for (std::size_t j = 0; j + 1 < f->elements; j += 2)
      m.fields.emplace_back(text_of(f->element[j]), text_of(f->element[j + 1]));
    out.push_back(std::move(m));
  }
  return last;
}

/// The blocking side of `read_group`, on its worker thread: first this consumer's own pending
/// messages (delivered before, never acknowledged: a restart sees them again), then, with
/// `min_idle`, other consumers' claimed ones, then new ones; one chunk per call.
class group_cursor {
 public:
  group_cursor(std::shared_ptr<pool> p, group_spec s, read_options o, coflow::stop_token st)
      : lease_{std::move(p), "redis::read_group"},
        spec_{std::move(s)},
        options_{std::move(o)},
        stop_{std::move(st)} {
    options_.count = std::max<std::size_t>(options_.count, 1);
    if (options_.create_group) create_group();
  }

  std::optional<std::vector<message>> operator()() {
    std::vector<message> out;
    while (out.empty()) {
      if (stop_.stop_requested()) return std::nullopt;
      if (phase_ == phase::own)
        read_own(out);
      else if (!(phase_ == phase::claim ? claim(out) : read_new(out)))
        return std::nullopt;
      if (lease_.reconnects() != reconnects_) restart();
    }
    return out;
  }

 private:
  enum class phase { own, claim, fresh };

  // The connection was lost and opened again: a lost reply may have delivered messages (now
  // pending for this consumer) that never reached the flow, so the pending ones come again.
  void restart() {
    reconnects_ = lease_.reconnects();
    phase_ = phase::own;
    own_from_ = "0";
  }

  void create_group() {
    try {
      lease_.command({"XGROUP", "CREATE", spec_.stream, spec_.group, options_.group_start, "MKSTREAM"},
                     "redis::read_group: XGROUP CREATE");
    } catch (const error& e) {
      if (std::string_view{e.what()}.find("BUSYGROUP") == std::string_view::npos) throw;
    }
  }

  reply_ptr read(const std::string& from, bool block) {
    std::vector<std::string> argv{"XREADGROUP",   "GROUP", spec_.group,
                                  spec_.consumer, "COUNT", std::to_string(options_.count)};
    if (block) argv.insert(argv.end(), {"BLOCK", std::to_string(options_.block.count())});
    argv.insert(argv.end(), {"STREAMS", spec_.stream, from});
    return lease_.command(argv, "redis::read_group: XREADGROUP on " + spec_.stream);
  }
  static const redisReply* entries_of(const redisReply* r) {
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return nullptr;
    const redisReply* s = r->element[0];
    return s->type == REDIS_REPLY_ARRAY && s->elements >= 2 ? s->element[1] : nullptr;
  }

  void read_own(std::vector<message>& out) {
    auto r = read(own_from_, false);
    const std::string last = append_entries(entries_of(r.get()), out);
    if (last.empty())
      phase_ = options_.min_idle ? phase::claim : phase::fresh;
    else
      own_from_ = last;
  }
  // False at the end (`end_when_idle`, nothing new came and this pass claimed nothing).
  bool claim(std::vector<message>& out) {
    auto r = lease_.command(
        {"XAUTOCLAIM", spec_.stream, spec_.group, spec_.consumer, std::to_string(options_.min_idle->count()),
         claim_from_, "COUNT", std::to_string(options_.count)},
        "redis::read_group: XAUTOCLAIM on " + spec_.stream);
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2)
      throw error{"redis::read_group: XAUTOCLAIM gave no cursor"};
    claim_from_ = text_of(r->element[0]);
    append_entries(r->element[1], out);
    claimed_ = claimed_ || !out.empty();
    if (claim_from_ != "0-0") return true;
    phase_ = phase::fresh;
    return !(ending_ && !claimed_);
  }
  // False at the end (`end_when_idle`, nothing new came, and nothing is left to claim).
  bool read_new(std::vector<message>& out) {
    auto r = read(">", true);
    append_entries(entries_of(r.get()), out);
    if (!out.empty()) return true;
    if (!options_.min_idle) return !options_.end_when_idle;
    phase_ = phase::claim;  // idle: look for what dead consumers left, then end if asked
    claim_from_ = "0-0";
    claimed_ = false;
    ending_ = options_.end_when_idle;
    return true;
  }

  lease lease_;
  group_spec spec_;
  read_options options_;
  coflow::stop_token stop_;
  phase phase_ = phase::own;
  std::string own_from_ = "0";
  std::string claim_from_ = "0-0";
  bool claimed_ = false;  // the claim pass under way delivered something
  bool ending_ = false;   // ... and the source ends after it if it did not
  std::size_t reconnects_ = 0;
};

struct group_factory {
  std::shared_ptr<pool> db;
  group_spec spec;
  read_options options;
  group_cursor operator()(coflow::stop_token st) { return group_cursor{db, spec, options, std::move(st)}; }
};

}  // namespace detail

/// The stage of `read_group`: a `threaded_chunks` source of its worker's chunks, named
/// `redis::read_group` in `describe` and `to_dot` (which are compile-time: the stream and group,
/// known at run time only, are not shown).
class read_group_source : public threaded_stage<detail::group_factory, true> {
 public:
  using threaded_stage::threaded_stage;
  static constexpr std::string_view stage_name = "redis::read_group";
};

/// `read_group(server, stream, group, consumer, options)`: a threaded source of the messages a
/// consumer group delivers to `consumer`, each a `redis::message` {id, fields}. A worker thread
/// borrows a connection, creates the group if asked (from `group_start`, with MKSTREAM), and
/// reads with `XREADGROUP ... COUNT count BLOCK block`; chunks of messages cross to the flow
/// through a ring of `capacity` chunks, so the worker reads ahead at most that far (a full ring
/// stops it: backpressure). It first delivers this consumer's own pending messages (delivered
/// before and never acknowledged, e.g. before a crash), then, with `min_idle`, those other
/// consumers left pending that long (XAUTOCLAIM), then new ones.
///
/// Nothing is acknowledged here: end the flow with `redis::ack`, so that a message is
/// acknowledged only after the flow finished with it (at-least-once; see docs/distributed.md).
///
///     auto n = coflow::redis::read_group(r, "jobs", "workers", "w1") | coflow::map(handle) |
///              coflow::redis::ack(r, "jobs", "workers");
inline auto read_group(const server& s, std::string stream, std::string group, std::string consumer,
                       read_options options = {}) {
  const threaded_options t{.capacity = std::max<std::size_t>(options.capacity, 1), .batch = 1};
  return read_group_source{
      detail::group_factory{
          s.pool(), {std::move(stream), std::move(group), std::move(consumer)}, std::move(options)},
      t};
}

}  // namespace coflow::redis
