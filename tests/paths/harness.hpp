// SPDX-License-Identifier: BSL-1.0
// The path-equivalence harness: one flow, every way coflow can run it, the same outcome.
//
// A case is a flow factory (called once per path, so every path runs a fresh, identical flow)
// and a sink factory. Each path runs the flow into the sink and reports the outcome as text:
// the sink's result, or the failure's type and message. The paths:
//   pipe       `flow | sink` on the calling thread (a fused `drive` loop when the flow can't cooperate)
//   block      `block(flow)` feeding the sink's consumer by hand
//   scheduler  `scheduler::spawn(flow, sink)`
//   asio       `asio::spawn(io_context, flow, sink)`
//   generator  a `generator` that relays the flow with `co_await`, spawned on a scheduler
//   threaded   `threaded([] { return block(flow); }) | sink`: the flow runs on a worker thread
// The scheduler, asio and generator paths also run on virtual time (a `virtual_clock`, the
// clock advanced until every flow has finished). The time-based stages are checked two ways:
// with times that cannot change the outcome (tiny delays, a timeout of an hour) on every path
// in real time and on virtual time; and with times that do (a timeout that fires, a chunk
// that a window closes) on the virtual-time paths only, against the scheduler's. pipe, block
// and threaded cannot honour virtual time: they sleep in real time, where the outcome would
// depend on how long the machine takes.
// Inputs are random scripts (values, cooperates, a failure at a random place, a consumer that
// stops early), seeded and reproducible: a failing case prints its seed and number.
#pragma once

#include <coflow/asio.hpp>
#include <coflow/coflow.hpp>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace coflow_paths {

// ---------------------------------------------------------------------------------------------
// Values as text, so that outcomes of any type compare and print (a failure compares by its
// type and message: each run throws its own exception object).

template <class T>
std::string text(const T& v);

inline std::string join(const std::vector<std::string>& items, const char* open = "[",
                        const char* close = "]") {
  std::string out = open;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + close;
}

template <class R>
std::string text_of_range(const R& r) {
  std::vector<std::string> items;
  for (const auto& x : r) items.push_back(text(x));
  return join(items);
}

template <class T>
inline constexpr bool is_variant_v = false;
template <class... A>
inline constexpr bool is_variant_v<std::variant<A...>> = true;

template <class T>
std::string text(const T& v) {
  if constexpr (std::is_same_v<T, coflow::failure>) {
    return "failure(" + v.type_name() + ": " + v.message() + ")";
  } else if constexpr (std::is_same_v<T, std::monostate>) {
    return "done";
  } else if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    return std::to_string(v);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return "\"" + std::string{std::string_view{v}} + "\"";
  } else if constexpr (requires {
                         v.has_value();
                         *v;
                       }) {
    return v.has_value() ? "some(" + text(*v) + ")" : "none";
  } else if constexpr (is_variant_v<T>) {
    return "#" + std::to_string(v.index()) + ":" + std::visit([](const auto& x) { return text(x); }, v);
  } else if constexpr (requires { std::tuple_size<T>::value; }) {
    return std::apply([](const auto&... x) { return join({text(x)...}, "(", ")"); }, v);
  } else {
    static_assert(std::ranges::input_range<const T>, "coflow_paths::text: no way to print this type");
    return text_of_range(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Random inputs.

using rng = std::mt19937_64;

inline std::size_t uniform(rng& r, std::size_t lo, std::size_t hi) {  // [lo, hi]
  return std::uniform_int_distribution<std::size_t>{lo, hi}(r);
}
inline bool chance(rng& r, double p) {
  return std::bernoulli_distribution{p}(r);
}

/// An exception type that is not a `std::exception`: its failure must keep its type too.
struct odd_failure {
  std::size_t at;
};

/// Throws failure number `kind` (0: std::runtime_error, 1: std::out_of_range, 2: odd_failure).
[[noreturn]] inline void throw_failure(int kind, std::size_t at) {
  const std::string where = "failed after " + std::to_string(at) + " values";
  if (kind == 0) throw std::runtime_error(where);
  if (kind == 1) throw std::out_of_range(where);
  throw odd_failure{at};
}

inline coflow::failure make_failure(int kind, std::size_t at) {
  try {
    throw_failure(kind, at);
  } catch (...) {
    return coflow::failure::current();
  }
}

/// One source's behaviour: its values, the cooperates before each of them (and before its
/// end), and whether it ends or fails after the values.
template <class T>
struct script {
  std::vector<T> values;
  std::vector<int> pauses;  // values.size() + 1 entries
  int fail = -1;            // the kind of failure after the values; -1: it ends
  bool cooperative = true;  // false: a source that cannot cooperate (stages after it drive)
};

/// A random script of up to `max_len` values made by `value(r)`.
template <class T, class Gen>
script<T> random_script(rng& r, Gen value, std::size_t max_len = 12) {
  script<T> s;
  const std::size_t n = uniform(r, 0, max_len);
  for (std::size_t i = 0; i < n; ++i) s.values.push_back(value(r));
  for (std::size_t i = 0; i <= n; ++i)
    s.pauses.push_back(chance(r, 0.25) ? static_cast<int>(uniform(r, 1, 2)) : 0);
  s.fail = chance(r, 0.3) ? static_cast<int>(uniform(r, 0, 2)) : -1;
  s.cooperative = chance(r, 0.5);
  return s;
}

inline int small_int(rng& r) {
  return static_cast<int>(uniform(r, 0, 9));
}

/// A source playing `s` that can cooperate: `scripted` with its cooperates and failure.
template <class T>
coflow::scripted_source<T> cooperative_source(const script<T>& s) {
  std::vector<coflow::step<T>> steps;
  for (std::size_t i = 0; i <= s.values.size(); ++i) {
    for (int p = 0; p < s.pauses[i]; ++p) steps.emplace_back(coflow::cooperate{});
    if (i < s.values.size()) steps.emplace_back(s.values[i]);
  }
  if (s.fail >= 0) steps.emplace_back(make_failure(s.fail, s.values.size()));
  return coflow::scripted_source<T>{std::move(steps)};
}

/// A source playing `s` that cannot cooperate (its cooperates are left out): `iota | map`,
/// whose map throws the failure, so the flow drives as one loop.
template <class T>
auto plain_source(std::shared_ptr<const script<T>> s) {
  const std::size_t n = s->values.size() + (s->fail >= 0 ? 1 : 0);
  return coflow::iota(std::size_t{0}, n) | coflow::map([s](std::size_t i) -> T {
           if (i == s->values.size()) throw_failure(s->fail, i);
           return s->values[i];
         });
}

/// Calls `k(make_source)` with a factory of the source that plays `s`: a cooperative one or a
/// plain one, as the script says (each kind is a different type, so both are instantiated).
template <class T, class K>
void with_source(const script<T>& s, K&& k) {
  auto shared = std::make_shared<const script<T>>(s);
  if (s.cooperative)
    k([shared] { return cooperative_source(*shared); });
  else
    k([shared] { return plain_source(shared); });
}

/// A source playing `s` in time (by `coflow::now()`): value `i` comes `s.pauses[i]` units
/// after the value before it (the first, after the first pull), and the end or the failure
/// `s.pauses.back()` units after the last value; until then it cooperates. On virtual time
/// the gaps are exact, so a stage's timers decide the same way on every path there.
template <class T>
class timed_source : public coflow::stage_base<> {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = true;
  static constexpr std::string_view stage_name = "timed_source";

  timed_source(std::shared_ptr<const script<T>> s, coflow::cooperate::duration unit)
      : s_{std::move(s)}, unit_{unit} {}

  coflow::step<T> next() {
    if (i_ > s_->values.size()) return coflow::done;
    if (!started_) {
      started_ = true;
      due_ = coflow::now() + unit_ * s_->pauses[0];
    }
    if (coflow::now() < due_) return coflow::cooperate{due_ - coflow::now()};
    if (i_ == s_->values.size()) {
      ++i_;
      if (s_->fail >= 0) return make_failure(s_->fail, s_->values.size());
      return coflow::done;
    }
    due_ = coflow::now() + unit_ * s_->pauses[i_ + 1];
    return s_->values[i_++];
  }

 private:
  std::shared_ptr<const script<T>> s_;
  coflow::cooperate::duration unit_;
  std::chrono::steady_clock::time_point due_{};
  std::size_t i_ = 0;
  bool started_ = false;
};

// ---------------------------------------------------------------------------------------------
// Sinks.

/// Records every value as text in a log shared with the test (so the values given before a
/// failure are seen on every path), and stops after `limit` of them (a consumer that ends
/// early).
struct record : coflow::sink_base<record> {
  std::shared_ptr<std::vector<std::string>> log;
  std::size_t limit = std::numeric_limits<std::size_t>::max();

  template <class T>
  struct consumer_type {
    std::shared_ptr<std::vector<std::string>> log;
    std::size_t limit;
    template <class U>
    bool push(U&& v) {
      log->push_back(text(v));
      return log->size() < limit;
    }
    std::string result() && { return log->size() >= limit ? "stopped" : "ended"; }
  };
  template <class T>
  consumer_type<T> consumer() const {
    return {log, limit};
  }
};

/// A consumer's early stop: none half of the time, else after 1 to `max` values.
inline std::size_t random_limit(rng& r, std::size_t max = 12) {
  return chance(r, 0.5) ? std::numeric_limits<std::size_t>::max() : uniform(r, 1, max);
}

/// A sink for one run, with what it saw beside its result (the values it was given).
template <class K>
struct sink_run {
  K sink;
  std::shared_ptr<std::vector<std::string>> log = nullptr;
  [[nodiscard]] std::string seen() const { return log ? " after " + join(*log) : ""; }
};
// Clang 16 deduces no aggregate's template arguments by itself.
template <class K>
sink_run(K, std::shared_ptr<std::vector<std::string>>) -> sink_run<K>;

inline auto record_sink(std::size_t limit) {
  return [limit] {
    auto log = std::make_shared<std::vector<std::string>>();
    return sink_run<record>{record{{}, log, limit}, log};
  };
}

// ---------------------------------------------------------------------------------------------
// The paths.

template <class F>
std::string outcome_of(F&& run) {
  try {
    if constexpr (std::is_void_v<decltype(run())>) {
      run();
      return "done";
    } else {
      return text(run());
    }
  } catch (...) {
    return text(coflow::failure::current());
  }
}

template <class D>
std::string outcome_of_deferred(const D& d) {
  if (!d.fired()) return "(the deferred never fired)";
  if (d.failed()) return text(d.error());
  return text(d.value());
}

template <class Make, class MakeSink>
std::string via_pipe(const Make& make, const MakeSink& make_sink) {
  auto run = make_sink();
  const std::string out = outcome_of([&] { return make() | std::move(run.sink); });
  return out + run.seen();
}

template <class Make, class MakeSink>
std::string via_block(const Make& make, const MakeSink& make_sink) {
  auto run = make_sink();
  using flow = decltype(make());
  auto c = std::move(run.sink).template consumer<coflow::value_t<flow>>();
  const std::string out = outcome_of([&] {
    for (auto&& v : coflow::block(make()))
      if (!c.push(std::forward<decltype(v)>(v))) break;
    return std::move(c).result();
  });
  return out + run.seen();
}

/// How far the paths on virtual time move their clock: past every timer of a case.
inline constexpr std::chrono::hours time_horizon{24};

/// A scheduler on the steady clock, or on `vclock`'s virtual time.
inline std::unique_ptr<coflow::scheduler> scheduler_on(coflow::virtual_clock* vclock) {
  return vclock ? std::make_unique<coflow::scheduler>(*vclock) : std::make_unique<coflow::scheduler>();
}

/// Runs `sched` until its flows have finished (on virtual time, moving the clock).
inline void run_all(coflow::scheduler& sched, coflow::virtual_clock* vclock) {
  if (vclock)
    sched.advance(time_horizon);
  else
    sched.run();
}

template <class Make, class MakeSink>
std::string via_scheduler(const Make& make, const MakeSink& make_sink,
                          coflow::virtual_clock* vclock = nullptr) {
  auto run = make_sink();
  auto sched = scheduler_on(vclock);
  auto d = sched->spawn(make(), std::move(run.sink));
  run_all(*sched, vclock);
  return outcome_of_deferred(d) + run.seen();
}

template <class Make, class MakeSink>
std::string via_asio(const Make& make, const MakeSink& make_sink, coflow::virtual_clock* vclock = nullptr) {
  auto run = make_sink();
  boost::asio::io_context ctx{1};
  if (vclock) coflow::asio::use_virtual_clock(ctx, *vclock);
  auto d = coflow::asio::spawn(ctx, make(), std::move(run.sink));
  if (vclock)
    coflow::asio::advance(ctx, time_horizon);
  else
    ctx.run();
  return outcome_of_deferred(d) + run.seen();
}

/// A generator that gives what `make()`'s flow gives, pulling it with `co_await`.
template <class T, class Make>
coflow::generator<T> relay(Make make) {
  auto flow = make();
  while (auto v = co_await flow) co_yield T(*v);
}

template <class Make, class MakeSink>
std::string via_generator(const Make& make, const MakeSink& make_sink,
                          coflow::virtual_clock* vclock = nullptr) {
  auto run = make_sink();
  auto sched = scheduler_on(vclock);
  auto d = sched->spawn(relay<coflow::stored_value_t<decltype(make())>>(make), std::move(run.sink));
  run_all(*sched, vclock);
  return outcome_of_deferred(d) + run.seen();
}

template <class Make, class MakeSink>
std::string via_threaded(const Make& make, const MakeSink& make_sink) {
  auto run = make_sink();
  const std::string out = outcome_of([&] {
    return coflow::threaded([make] { return coflow::block(make()); }, {.capacity = 4, .batch = 2}) |
           std::move(run.sink);
  });
  return out + run.seen();
}

using path_outcomes = std::vector<std::pair<std::string, std::string>>;

/// The outcomes on virtual time of the scheduler, asio and generator paths, each on a clock
/// of its own.
template <class Make, class MakeSink>
path_outcomes on_virtual_time(const Make& make, const MakeSink& make_sink) {
  coflow::virtual_clock a, b, c;
  return {{"scheduler on virtual time", via_scheduler(make, make_sink, &a)},
          {"asio on virtual time", via_asio(make, make_sink, &b)},
          {"generator on virtual time", via_generator(make, make_sink, &c)}};
}

/// A test failure for each of `paths` whose outcome is not `want` (the `reference` path's).
inline bool all_the_same(const std::string& reference, const std::string& want, const path_outcomes& paths) {
  bool same = true;
  for (const auto& [name, got] : paths) {
    if (got == want) continue;
    ADD_FAILURE() << "the " << name << " path differs from " << reference << ":\n  want: " << want
                  << "\n  got:  " << got;
    same = false;
  }
  return same;
}

/// Runs the flow `make()` into `make_sink()`'s sink on every path; a path whose outcome
/// differs from the pipe's is a test failure naming it. False when any differed. With
/// `virtual_time_too`, the scheduler, asio and generator paths also run on virtual time.
template <class Make, class MakeSink>
bool same_on_every_path(const Make& make, const MakeSink& make_sink, bool virtual_time_too = false) {
  path_outcomes paths = {
      {"block", via_block(make, make_sink)},       {"scheduler", via_scheduler(make, make_sink)},
      {"asio", via_asio(make, make_sink)},         {"generator", via_generator(make, make_sink)},
      {"threaded", via_threaded(make, make_sink)},
  };
  if (virtual_time_too)
    for (auto& p : on_virtual_time(make, make_sink)) paths.push_back(std::move(p));
  return all_the_same("`flow | sink`", via_pipe(make, make_sink), paths);
}

/// Runs the flow on the paths that honour virtual time, where times may decide the outcome
/// (pipe, block and threaded sleep in real time: not run); they must agree with the scheduler.
template <class Make, class MakeSink>
bool same_on_virtual_time(const Make& make, const MakeSink& make_sink) {
  path_outcomes paths = on_virtual_time(make, make_sink);
  const std::string want = paths.front().second;
  paths.erase(paths.begin());
  return all_the_same("the scheduler on virtual time", want, paths);
}

// ---------------------------------------------------------------------------------------------
// Cases.

/// Cases per test: COFLOW_PATHS_CASES, else `normal` (fewer under the sanitizers, which run
/// every test of the suite and are 5-20x slower).
inline std::size_t case_count(std::size_t normal) {
  if (const char* e = std::getenv("COFLOW_PATHS_CASES")) return std::strtoull(e, nullptr, 10);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return normal / 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return normal / 8;
#endif
#endif
  return normal;
}

/// The base seed: COFLOW_PATHS_SEED, else a fixed one (the suite is reproducible by default).
inline std::uint64_t base_seed() {
  if (const char* e = std::getenv("COFLOW_PATHS_SEED")) return std::strtoull(e, nullptr, 10);
  return 20261128;
}

/// Runs `one_case(rng)` for `count` cases, each with its own seed; stops at the first failing
/// case and prints how to run it alone.
template <class F>
void for_random_cases(std::size_t count, F one_case) {
  const std::uint64_t seed = base_seed();
  for (std::size_t i = 0; i < count; ++i) {
    rng r{seed + i};
    one_case(r);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "random case " << i << " of seed " << seed
                    << " (rerun with COFLOW_PATHS_SEED=" << seed + i << " COFLOW_PATHS_CASES=1)";
      return;
    }
  }
}

}  // namespace coflow_paths
