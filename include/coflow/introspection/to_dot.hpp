// SPDX-License-Identifier: BSL-1.0
// coflow/introspection/to_dot.hpp - a flow's stage graph as a Graphviz digraph.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "coflow/core/stage.hpp"
#include "coflow/detail/diagnostic.hpp"
#include "coflow/introspection/describe.hpp"
#include "coflow/introspection/traits.hpp"

namespace coflow {

/// How `to_dot` lays out the graph.
struct dot_options {
  std::string_view graph_name = "coflow";
  std::string_view rankdir = "LR";  // left to right: sources on the left
  std::string_view label = {};      // a title above the graph
  bool legend = false;              // add a box explaining the node shapes and borders
};

namespace detail {

inline void dot_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

template <class S>
constexpr bool starts_threads() {
  if constexpr (!uses_threads_v<S>) {
    return false;
  } else {
    // A stage that merely forwards its upstreams' `uses_threads` runs none itself.
    return unpack_upstreams<S>(
        [](auto... t) { return !(uses_threads_v<typename decltype(t)::type> || ...); });
  }
}

/// An edge's label: the value type that crosses it. (coflow/profiling/instrument.hpp adds what
/// crossed it: a labeller that takes the upstream's node id too.)
struct type_label {
  std::string operator()(std::size_t /*from*/, std::string_view type) const { return std::string(type); }
};

template <class Label = type_label>
void dot_edge(std::string& out, std::size_t from, std::size_t to, std::string_view type,
              const Label& label = {}) {
  out += "  n" + std::to_string(from) + " -> n" + std::to_string(to) + " [label=";
  dot_quoted(out, label(from, type));
  out += "];\n";
}

/// Writes the nodes of `S`'s graph and its edges, upstreams first; returns `S`'s node id.
template <class S, class Label>
std::size_t dot_stage(std::string& out, std::size_t& next_id, const Label& label) {
  constexpr std::size_t n = upstream_count_v<S>;
  std::array<std::size_t, n> up_ids{};
  std::size_t i = 0;
  unpack_upstreams<S>(
      [&](auto... t) { ((up_ids[i++] = dot_stage<typename decltype(t)::type>(out, next_id, label)), ...); });
  const std::size_t id = next_id++;

  std::string style = n == 0 ? "" : "rounded";
  if (can_cooperate_v<S>) style += style.empty() ? "dashed" : ",dashed";
  if (starts_threads<S>()) style += style.empty() ? "filled" : ",filled";
  if (style.empty()) style = "solid";
  out += "  n" + std::to_string(id) + " [label=";
  if constexpr (n == 0)
    dot_quoted(out, describe_source<S>().view());
  else
    dot_quoted(out, stage_name_of<S>().view());
  if constexpr (n == 0) out += ", shape=ellipse";
  out += ", style=\"" + style + "\"";
  if (starts_threads<S>()) out += ", peripheries=2, fillcolor=\"#fff2cc\"";
  out += "];\n";

  i = 0;
  unpack_upstreams<S>([&](auto... t) {
    (dot_edge(out, up_ids[i++], id, short_name_v<value_t<typename decltype(t)::type>>.view(), label), ...);
  });
  return id;
}

inline void dot_legend(std::string& out) {
  out +=
      "  subgraph cluster_legend {\n"
      "    label=\"legend\"; fontsize=10; color=gray;\n"
      "    node [fontsize=10];\n"
      "    legend_source [label=\"source\", shape=ellipse];\n"
      "    legend_stage [label=\"stage\"];\n"
      "    legend_cooperate [label=\"can cooperate\", style=\"rounded,dashed\"];\n"
      "    legend_thread [label=\"runs a thread\", style=\"rounded,filled\", peripheries=2, "
      "fillcolor=\"#fff2cc\"];\n"
      "    legend_sink [label=\"sink\", shape=invhouse];\n"
      "    legend_source -> legend_stage -> legend_cooperate -> legend_thread -> legend_sink "
      "[style=invis];\n"
      "  }\n";
}

template <class S, class Label = type_label>
std::string to_dot_impl(std::string_view sink_name, bool has_sink, const dot_options& o,
                        const Label& label = {}) {
  std::string out = "digraph ";
  dot_quoted(out, o.graph_name);
  out += " {\n  rankdir=";
  out += o.rankdir;
  if (!o.label.empty()) {
    out += ";\n  labelloc=t; fontname=\"Helvetica\"; label=";
    dot_quoted(out, o.label);
  }
  out +=
      ";\n  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  std::size_t next_id = 0;
  const std::size_t last = dot_stage<S>(out, next_id, label);
  // The flow's own value type leaves on an edge to the sink, or to a point where none is given.
  const std::size_t end = next_id;
  out += "  n" + std::to_string(end);
  if (has_sink) {
    out += " [label=";
    dot_quoted(out, sink_name);
    out += ", shape=invhouse, style=solid];\n";
  } else {
    out += " [label=\"\", shape=point];\n";
  }
  dot_edge(out, last, end, short_name_v<value_t<S>>.view(), label);
  if (o.legend) dot_legend(out);
  out += "}\n";
  return out;
}

}  // namespace detail

/// The stage graph of a flow as a Graphviz `digraph` (render it with `dot -Tpng`): one node per
/// stage labelled with its name (sources with their range or value type), edges from upstream
/// to downstream labelled with the value type. Sources are ellipses; a dashed border marks a
/// stage whose pulls can give a `cooperate`; a double, filled border a stage that runs a
/// worker thread. With a sink, `to_dot(flow, sink)` ends the graph at the sink's node.
///
///     auto f = coflow::from(std::vector{1, 2, 3}) | coflow::map([](int i) { return i + 1; });
///     std::cout << coflow::to_dot(f);                       // ... -> a point
///     std::cout << coflow::to_dot(f, coflow::to_vector());  // ... -> to_vector
template <class Flow>
std::string to_dot(const Flow&, const dot_options& options = {}) {
  if constexpr (detail::any_ill_formed<Flow>) {
    return {};  // the flow's own check has said why
  } else if constexpr (!stage<Flow>) {
    static_assert(detail::always_false<Flow>,
                  "coflow::to_dot: the argument is not a stage (it has no value_type, next() or "
                  "can_cooperate)");
    return {};
  } else {
    return detail::to_dot_impl<Flow>({}, false, options);
  }
}

template <class Flow, class Sink>
  requires(!std::is_same_v<Sink, dot_options>)
std::string to_dot(const Flow&, const Sink&, const dot_options& options = {}) {
  if constexpr (detail::any_ill_formed<Flow>) {
    return {};  // the flow's own check has said why
  } else if constexpr (!stage<Flow>) {
    static_assert(detail::always_false<Flow>,
                  "coflow::to_dot: the argument is not a stage (it has no value_type, next() or "
                  "can_cooperate)");
    return {};
  } else {
    return detail::to_dot_impl<Flow>(detail::sink_name_of<Sink>().view(), true, options);
  }
}

}  // namespace coflow
