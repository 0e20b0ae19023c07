// SPDX-License-Identifier: BSL-1.0
// coflow/profiling/instrument.hpp - a flow rebuilt to count, per stage, what passes and how long it takes.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "coflow/core/as_stage.hpp"
#include "coflow/core/stage.hpp"
#include "coflow/core/step.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/introspection/describe.hpp"
#include "coflow/introspection/to_dot.hpp"
#include "coflow/introspection/traits.hpp"
#include "coflow/threads/threaded.hpp"

namespace coflow {

/// What one stage of an instrumented flow did. `items`: values it gave; `failures`: pulls
/// (or push loops) that ended in a failure, its own or one it passed on from upstream;
/// `cooperates`: pulls that gave a `cooperate`; `busy`: time inside the stage itself (its calls,
/// less the time in its upstreams and, on the push path, in its consumer); `parked`: time from
/// a pull that gave a `cooperate` to the next pull. `measured` is false for an upstream of a
/// stage that `instrument` counts as a whole (see `instrument`): its counts stay 0.
/// A threaded source also reports its worker's side: `ring_high_water()` and `worker_blocked()`.
struct stage_stats {
  std::string name;
  bool measured = true;
  std::uint64_t items = 0;
  std::uint64_t failures = 0;
  std::uint64_t cooperates = 0;
  std::chrono::nanoseconds busy{0};
  std::chrono::nanoseconds parked{0};
  std::shared_ptr<const detail::ring_counters> ring{};  // a threaded source's worker writes it

  /// Whether the row is a threaded source whose worker reports (one not started before `instrument`).
  [[nodiscard]] bool counts_ring() const noexcept { return ring != nullptr; }
  /// The most items the ring held after a push of the worker.
  [[nodiscard]] std::size_t ring_high_water() const noexcept {
    return ring ? ring->high_water.load(std::memory_order_relaxed) : 0;
  }
  /// The time the worker waited for room in a full ring.
  [[nodiscard]] std::chrono::nanoseconds worker_blocked() const noexcept {
    return std::chrono::nanoseconds{ring ? ring->blocked_ns.load(std::memory_order_relaxed) : 0};
  }
};

namespace detail {

using stats_clock = std::chrono::steady_clock;

struct stats_table {
  std::vector<stage_stats> rows;
  stats_clock::time_point first{};  // when the flow was first called
  stats_clock::time_point last{};   // when its last call returned
  std::size_t depth = 0;            // calls into the flow now open
};

/// The stage the running thread is inside now, and since when: every switch charges the time
/// since the last one to the stage that was running (so each stage gets its own time only).
struct running_stage {
  stage_stats* row = nullptr;
  stats_clock::time_point since{};
};
inline thread_local running_stage running{};

inline stage_stats* switch_to(stage_stats* to, stats_clock::time_point now) noexcept {
  running_stage& r = running;
  if (r.row != nullptr) r.row->busy += now - r.since;
  return std::exchange(r, running_stage{to, now}).row;
}

/// One call into a counted stage: time goes to `row` until it returns to its caller.
/// `parked_since`: when the stage's last pull gave a cooperate, if it did.
class stage_call {
 public:
  stage_call(stats_table& t, stage_stats& row, std::optional<stats_clock::time_point>& parked_since)
      : table_{t}, row_{row} {
    const auto now = stats_clock::now();
    if (table_.depth++ == 0 && table_.first == stats_clock::time_point{}) table_.first = now;
    if (parked_since) row_.parked += now - *std::exchange(parked_since, std::nullopt);
    caller_ = switch_to(&row_, now);
  }
  stage_call(const stage_call&) = delete;
  stage_call& operator=(const stage_call&) = delete;
  ~stage_call() {
    const auto now = stats_clock::now();
    switch_to(caller_, now);
    if (--table_.depth == 0) table_.last = now;
  }
  /// On the push path: the consumer's time is its caller's, not this stage's.
  template <class G, class V>
  bool give(G& g, V&& v) {
    ++row_.items;
    switch_to(caller_, stats_clock::now());
    const bool more = g(std::forward<V>(v));
    switch_to(&row_, stats_clock::now());
    return more;
  }

 private:
  stats_table& table_;
  stage_stats& row_;
  stage_stats* caller_ = nullptr;
};

template <class S>
inline constexpr auto stage_name_v = stage_name_of<S>();

/// `S` with counters: the same value type, static properties, name and graph as `S`, so that
/// `describe` and `to_dot` see the flow they saw before it was instrumented.
template <stage S>
class counted {
 public:
  using value_type = value_t<S>;
  using upstreams = upstreams_of<S>;
  static constexpr bool can_cooperate = can_cooperate_v<S>;
  static constexpr bool uses_threads = uses_threads_v<S>;
  static constexpr std::size_t buffer_bound = buffer_bound_v<S>;
  static constexpr std::string_view stage_name = stage_name_v<S>.view();
  static constexpr auto describe_self() noexcept
    requires(upstream_count_v<S> == 0)
  {
    return describe_source<S>();
  }

  counted(S s, std::shared_ptr<stats_table> t, stage_stats& row)
      : s_{std::move(s)}, table_{std::move(t)}, row_{&row} {}

  step<value_type> next() {
    stage_call call{*table_, *row_, parked_since_};
    step<value_type> st = s_.next();
    if (st.has_value()) {
      ++row_->items;
    } else if (st.is_failure()) {
      ++row_->failures;
    } else if (st.is_cooperate()) {
      ++row_->cooperates;
      parked_since_ = stats_clock::now();
    }
    return st;
  }

  template <class G>
    requires drivable<S>
  void drive(G&& g) {
    stage_call call{*table_, *row_, parked_since_};
    bool in_consumer = false;
    try {
      s_.drive([&](auto&& v) {
        in_consumer = true;
        const bool more = call.give(g, std::forward<decltype(v)>(v));
        in_consumer = false;
        return more;
      });
    } catch (...) {
      if (!in_consumer) ++row_->failures;  // an exception of the consumer is not this stage's
      throw;
    }
  }

 private:
  S s_;
  std::shared_ptr<stats_table> table_;  // shared with the flow_stats and the other stages
  stage_stats* row_;
  std::optional<stats_clock::time_point> parked_since_{};
};

/// A threaded source as `instrument` found it: started already (`eager`) it runs as it is,
/// else it is rebuilt with a probe that counts the worker's side.
template <class Plain, class Probed>
class either_threaded : public stage_base<> {
 public:
  using value_type = value_t<Plain>;
  static constexpr bool can_cooperate = true;
  static constexpr bool uses_threads = true;
  static constexpr std::size_t buffer_bound = Plain::buffer_bound;
  static constexpr std::string_view stage_name = Plain::stage_name;
  static constexpr auto describe_self() noexcept { return describe_source<Plain>(); }

  template <class T, class... A>
  explicit either_threaded(std::in_place_type_t<T> which, A&&... a) : v_{which, std::forward<A>(a)...} {}

  step<value_type> next() {
    return std::visit([](auto& s) -> step<value_type> { return s.next(); }, v_);
  }

 private:
  std::variant<Plain, Probed> v_;
};

template <class S>
struct is_threaded : std::false_type {};
template <class F, bool Flatten>
struct is_threaded<threaded_stage<F, Flatten, no_ring_probe>> : std::true_type {};

/// An upstream rebuilt as it is.
struct keep_upstream {
  template <class U>
  U operator()(U&& u) const {
    return std::move(u);
  }
};
/// Whether a stage can be rebuilt over other upstreams (`with_upstreams`, coflow/core/stage.hpp).
template <class S>
concept rebuildable = requires(S&& s, const keep_upstream& f) { std::move(s).with_upstreams(f); };

/// Rebuilds a threaded source with a probe that counts its worker's side.
struct instrument_access {
  template <class F, bool Flatten>
  static auto probed(threaded_stage<F, Flatten>& s, stage_stats& row) {
    using probed_t = threaded_stage<F, Flatten, counting_ring_probe>;
    using either = either_threaded<threaded_stage<F, Flatten>, probed_t>;
    if (s.state_ || !s.factory_) return either{std::in_place_type<threaded_stage<F, Flatten>>, std::move(s)};
    auto counters = std::make_shared<ring_counters>();
    row.ring = counters;
    return either{std::in_place_type<probed_t>, std::move(*s.factory_), s.opts_,
                  counting_ring_probe{counters}};
  }
};

template <class S>
stage_stats& add_row(stats_table& t, bool measured) {
  stage_stats& row = t.rows.emplace_back();
  if constexpr (upstream_count_v<S> == 0)
    row.name = describe_source<S>().str();
  else
    row.name = stage_name_of<S>().str();
  row.measured = measured;
  return row;
}

/// Rows for a stage counted as a whole: one for every stage of its graph, in `to_dot`'s order
/// (upstreams first), measured only for the stage itself.
template <class S>
stage_stats& add_rows_of_whole(stats_table& t, bool measured) {
  unpack_upstreams<S>([&](auto... up) { (add_rows_of_whole<typename decltype(up)::type>(t, false), ...); });
  return add_row<S>(t, measured);
}

/// `s` rebuilt with every stage counted: a stage that offers `with_upstreams` (map, filter,
/// zip, merge, concat, buffer, trap, ...) is rebuilt over its counted upstreams, in order, so
/// that the rows follow `to_dot`'s numbering; any other stage is counted as a whole.
template <stage S>
auto count_stages(S s, const std::shared_ptr<stats_table>& t) {
  if constexpr (rebuildable<S>) {
    auto rebuilt = std::move(s).with_upstreams([&t](auto&& up) { return count_stages(std::move(up), t); });
    stage_stats& row = add_row<S>(*t, true);
    return counted<decltype(rebuilt)>{std::move(rebuilt), t, row};
  } else if constexpr (is_threaded<S>::value) {
    stage_stats& row = add_row<S>(*t, true);
    auto probed = instrument_access::probed(s, row);
    return counted<decltype(probed)>{std::move(probed), t, row};
  } else {
    stage_stats& row = add_rows_of_whole<S>(*t, true);
    return counted<S>{std::move(s), t, row};
  }
}

}  // namespace detail

/// The counts of an instrumented flow, one row per stage in graph order (upstreams first, as
/// `to_dot` numbers its nodes). A handle: copies share the same counts, which the flow
/// updates as it runs; read them once it stopped.
class flow_stats {
 public:
  flow_stats() = default;
  explicit flow_stats(std::shared_ptr<const detail::stats_table> t) : t_{std::move(t)} {}

  [[nodiscard]] std::size_t size() const noexcept { return t_ ? t_->rows.size() : 0; }
  [[nodiscard]] const stage_stats& operator[](std::size_t i) const { return rows()[i]; }
  [[nodiscard]] auto begin() const noexcept { return rows().begin(); }
  [[nodiscard]] auto end() const noexcept { return rows().end(); }

  /// From the flow's first call to the return of its last one.
  [[nodiscard]] std::chrono::nanoseconds elapsed() const noexcept {
    return t_ && t_->depth == 0 ? t_->last - t_->first : std::chrono::nanoseconds{0};
  }
  /// Items row `i` gave per second of `elapsed()` (0 before the flow ran).
  [[nodiscard]] double items_per_second(std::size_t i) const noexcept {
    const double s = std::chrono::duration<double>(elapsed()).count();
    return s > 0 ? static_cast<double>(t_->rows[i].items) / s : 0.0;
  }

  /// The rows as a text table with a header line; a stage counted with its upstreams shows `-`.
  [[nodiscard]] std::string to_table() const;

  friend std::ostream& operator<<(std::ostream& os, const flow_stats& s) { return os << s.to_table(); }

 private:
  const std::vector<stage_stats>& rows() const noexcept {
    static const std::vector<stage_stats> none;
    return t_ ? t_->rows : none;
  }

  std::shared_ptr<const detail::stats_table> t_;
};

namespace detail {
inline std::string stats_cell(const char* format, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
inline double micros(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

inline std::string stats_line(std::size_t i, const stage_stats& r, std::size_t name_width, bool ring) {
  std::string line = stats_cell("%3.0f  ", static_cast<double>(i));
  line += r.name + std::string(name_width - r.name.size() + 2, ' ');
  if (!r.measured) return line + "-\n";
  line += stats_cell("%10.0f", static_cast<double>(r.items)) +
          stats_cell("%9.0f", static_cast<double>(r.failures)) +
          stats_cell("%11.0f", static_cast<double>(r.cooperates)) + stats_cell("%13.1f", micros(r.busy)) +
          stats_cell("%12.1f", micros(r.parked));
  if (ring && r.counts_ring())
    line += stats_cell("%9.0f", static_cast<double>(r.ring_high_water())) +
            stats_cell("%12.1f", micros(r.worker_blocked()));
  return line + "\n";
}
}  // namespace detail

inline std::string flow_stats::to_table() const {
  std::size_t width = 5;
  bool ring = false;
  for (const stage_stats& r : *this) {
    width = std::max(width, r.name.size());
    ring = ring || r.counts_ring();
  }
  std::string out = "  #  stage" + std::string(width - 3, ' ') +
                    "     items failures cooperates      busy us   parked us" +
                    (ring ? "  ring hw  blocked us\n" : "\n");
  for (std::size_t i = 0; i < size(); ++i) out += detail::stats_line(i, (*this)[i], width, ring);
  return out;
}

/// A flow and the handle of its counts, as `instrument` gives them.
template <stage F>
struct instrumented {
  F flow;
  flow_stats stats;
};

/// The flow rebuilt so that every stage counts what it does (see `stage_stats`), with the handle
/// of the counts; the flow gives the same values and failures on every path (pull, push, under
/// a scheduler). Instrument a flow before it runs. Every stage gets a row: sources, and every
/// stage that can be rebuilt over its counted upstreams (`with_upstreams`: map, filter, take,
/// ... and a user's own cores, zip, merge, concat, buffer, trap, ...). A stage that makes its
/// upstream at run time (`flat_map`, `retry`) or shares it (`tee`) is counted as a whole, with
/// its upstreams: their rows show `-`. A flow that is not instrumented is not changed: the
/// counters live in the rebuilt stages only.
///
///     auto [flow, stats] = coflow::instrument(coflow::iota(0, 100) | coflow::map(f));
///     (void)(std::move(flow) | coflow::to_vector());
///     std::cout << stats;  // one row per stage: items, failures, cooperates, busy, parked
template <class Flow>
auto instrument(Flow&& f) {
  if constexpr (detail::any_ill_formed<Flow>) {
    return detail::ill_formed{};  // the flow's own check has said why
  } else if constexpr (!detail::stage_like<Flow>) {
    static_assert(detail::always_false<Flow>,
                  "coflow::instrument: the argument (Flow) is neither a stage nor a range; instrument "
                  "a flow before its sink (instrument(src | map(f)) | sink)");
    return detail::ill_formed{};
  } else {
    using S = detail::as_stage_t<Flow>;
    auto t = std::make_shared<detail::stats_table>();
    t->rows.reserve(detail::stage_count<S>());  // rows are not moved: the stages point at them
    auto flow = detail::count_stages(S(detail::as_stage(std::forward<Flow>(f))), t);
    return instrumented<decltype(flow)>{std::move(flow), flow_stats{std::move(t)}};
  }
}

/// `to_dot(flow, stats)`: the graph of an instrumented flow, each edge labelled with its value
/// type, the items that crossed it and their rate over `stats.elapsed()`.
template <stage Flow>
std::string to_dot(const Flow&, const flow_stats& stats, const dot_options& options = {}) {
  auto label = [&stats](std::size_t up, std::string_view type) {
    std::string l(type);
    if (up >= stats.size() || !stats[up].measured) return l;
    l += " (" + std::to_string(stats[up].items) + " items";
    return l + detail::stats_cell(", %.0f/s)", stats.items_per_second(up));
  };
  return detail::to_dot_impl<Flow>({}, false, options, label);
}

}  // namespace coflow
