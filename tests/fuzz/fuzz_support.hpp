// SPDX-License-Identifier: BSL-1.0
// Shared by coflow's fuzz targets: a source that cannot cooperate, the failure the fuzzers
// inject upstream, and traces of everything a consumer observes, compared with a model's.
#pragma once

#include <coflow/control/block.hpp>
#include <coflow/core/failure.hpp>
#include <coflow/core/stage.hpp>
#include <coflow/sinks/for_each.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace coflow_fuzz {

/// The failure injected upstream: a type of its own, so that a stage's own failure (a
/// std::runtime_error, say) is never mistaken for it.
class upstream_error : public std::exception {
 public:
  explicit upstream_error(std::string m) : message_{std::move(m)} {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};
inline constexpr std::string_view upstream_error_type = "coflow_fuzz::upstream_error";

/// A pull that gave a cooperate.
struct coop_mark {
  friend bool operator==(coop_mark, coop_mark) = default;
};

/// The end of a trace: `type` is empty for `done`, else the failure's dynamic type. In a
/// model's trace `message` is a part that the observed message must contain.
struct end_mark {
  std::string type;
  std::string message;
};

template <class T>
using event = std::variant<T, coop_mark, end_mark>;
template <class T>
using trace = std::vector<event<T>>;

inline end_mark end_of(const coflow::failure& f) {
  return {f.type_name(), f.message()};
}
inline end_mark end_of_current() {
  return end_of(coflow::failure::current());
}

/// A trace up to its `stop`-th value, as a consumer that stops after `stop` values sees it:
/// no end, since it never asks for more. `stop` 0: the consumer never stops.
template <class T>
trace<T> stopped_after(trace<T> t, std::size_t stop) {
  std::size_t values = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (std::holds_alternative<T>(t[i]) && ++values == stop) {
      t.resize(i + 1);
      break;
    }
  }
  return t;
}

template <class T>
trace<T> without_cooperates(const trace<T>& t) {
  trace<T> out;
  for (const auto& e : t)
    if (!std::holds_alternative<coop_mark>(e)) out.push_back(e);
  return out;
}

// ---- printing a mismatch --------------------------------------------------------------------

inline std::string show(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "\"";
}

inline std::string show(const std::vector<int>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "]";
}

template <class T>
std::string show(const event<T>& e) {
  if (const T* v = std::get_if<T>(&e)) return show(*v);
  if (std::holds_alternative<coop_mark>(e)) return "cooperate";
  const auto& end = std::get<end_mark>(e);
  return end.type.empty() ? "done" : "failure " + end.type + " (" + show(end.message) + ")";
}

template <class T>
void print(const char* label, const trace<T>& t) {
  std::fprintf(stderr, "  %s (%zu events):\n", label, t.size());
  for (const auto& e : t) std::fprintf(stderr, "    %s\n", show(e).c_str());
}

// ---- comparing ------------------------------------------------------------------------------

template <class T>
bool matches(const event<T>& model, const event<T>& seen) {
  if (model.index() != seen.index()) return false;
  if (const T* v = std::get_if<T>(&model)) return *v == std::get<T>(seen);
  if (std::holds_alternative<coop_mark>(model)) return true;
  const auto& m = std::get<end_mark>(model);
  const auto& s = std::get<end_mark>(seen);
  return m.type == s.type && s.message.find(m.message) != std::string::npos;
}

template <class T>
bool matches(const trace<T>& model, const trace<T>& seen) {
  if (model.size() != seen.size()) return false;
  for (std::size_t i = 0; i < model.size(); ++i)
    if (!matches(model[i], seen[i])) return false;
  return true;
}

/// Aborts (libFuzzer then saves the input) when `seen` differs from `model`; `input()` says
/// what the input was (built only then).
template <class T, class Describe>
void expect_same(const char* path, const trace<T>& model, const trace<T>& seen, Describe&& input) {
  if (matches(model, seen)) return;
  std::fprintf(stderr, "coflow fuzz: the %s path differs from the model\n  input: %s\n", path,
               std::string(input()).c_str());
  print("model", model);
  print("seen", seen);
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "coflow fuzz: check failed: %s\n", what);
  std::abort();
}

// ---- observing a stage ----------------------------------------------------------------------

/// Pulls `s` with `next()` to its end, cooperates included.
template <class S>
auto pull_trace(S& s) {
  using T = coflow::stored_value_t<S>;
  trace<T> out;
  // A stage that never ends on a finite script is a defect, not a slow input.
  for (std::size_t pulls = 0; pulls < 1'000'000; ++pulls) {
    coflow::step<coflow::value_t<S>> st = s.next();
    if (st.has_value()) {
      out.emplace_back(std::in_place_index<0>, *std::move(st));
    } else if (st.is_cooperate()) {
      out.emplace_back(coop_mark{});
    } else {
      out.emplace_back(st.is_done() ? end_mark{} : end_of(st.error()));
      return out;
    }
  }
  check(false, "the stage did not end within a million pulls");
  return out;
}

/// Runs `s` through `coflow::block`, stopping after `stop` values (0: never).
template <class S>
auto block_trace(S s, std::size_t stop) {
  trace<coflow::stored_value_t<S>> out;
  std::size_t values = 0;
  try {
    for (auto&& v : coflow::block(std::move(s))) {
      out.emplace_back(std::in_place_index<0>, std::move(v));
      if (++values == stop) return out;
    }
    out.emplace_back(end_mark{});
  } catch (...) {
    out.emplace_back(end_of_current());
  }
  return out;
}

/// Runs `s` into `for_each` (its push path when it has one), stopping after `stop` values
/// (0: never).
template <class S>
auto push_trace(S s, std::size_t stop) {
  trace<coflow::stored_value_t<S>> out;
  std::size_t values = 0;
  bool stopped = false;
  try {
    std::move(s) | coflow::for_each([&](auto&& v) {
      out.emplace_back(std::in_place_index<0>, std::forward<decltype(v)>(v));
      stopped = ++values == stop;
      return !stopped;
    });
    if (!stopped) out.emplace_back(end_mark{});
  } catch (...) {
    out.emplace_back(end_of_current());
  }
  return out;
}

/// A source that cannot cooperate: its values, then an upstream failure or the end. It has
/// both paths: `next()` gives the failure as a value, `drive(f)` throws it.
template <class T>
class played_source {
 public:
  using value_type = T;
  static constexpr bool can_cooperate = false;
  static constexpr std::string_view stage_name = "played";
  using upstreams = decltype(boost::hana::tuple_t<>);

  played_source(std::vector<T> values, std::optional<std::string> failure)
      : values_{std::move(values)}, failure_{std::move(failure)} {}

  coflow::step<T> next() {
    if (pos_ < values_.size()) return std::move(values_[pos_++]);
    if (failure_) return coflow::failure::make(upstream_error{*std::exchange(failure_, std::nullopt)});
    return coflow::done;
  }

  template <class F>
  void drive(F&& f) {
    while (pos_ < values_.size())
      if (!f(std::move(values_[pos_++]))) return;
    if (failure_) throw upstream_error{*std::exchange(failure_, std::nullopt)};
  }

 private:
  std::vector<T> values_;
  std::optional<std::string> failure_;
  std::size_t pos_ = 0;
};

}  // namespace coflow_fuzz
