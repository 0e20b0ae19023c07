// SPDX-License-Identifier: BSL-1.0
#include <coflow/coflow.hpp>
#include <coflow/introspection/to_dot.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "introspection/stages.hpp"

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ToDot, LinearFlowIsAChainOfNodes) {
  auto f = coflow::from(std::vector<int>{1, 2}) | coflow::map([](int i) { return std::to_string(i); });
  EXPECT_EQ(coflow::to_dot(f),
            "digraph \"coflow\" {\n"
            "  rankdir=LR;\n"
            "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n"
            "  edge [fontname=\"Helvetica\", fontsize=9];\n"
            "  n0 [label=\"from<vector<int>>\", shape=ellipse, style=\"solid\"];\n"
            "  n1 [label=\"map\", style=\"rounded\"];\n"
            "  n0 -> n1 [label=\"int\"];\n"
            "  n2 [label=\"\", shape=point];\n"
            "  n1 -> n2 [label=\"string\"];\n"
            "}\n");
}

TEST(ToDot, SinkEndsTheGraph) {
  auto f = coflow::iota(0, 3) | coflow::filter([](int i) { return i > 0; });
  std::string dot = coflow::to_dot(f, coflow::to_vector());
  EXPECT_NE(dot.find("  n2 [label=\"to_vector\", shape=invhouse, style=solid];\n"), std::string::npos) << dot;
  EXPECT_NE(dot.find("  n1 -> n2 [label=\"int\"];\n"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("shape=point"), std::string::npos) << dot;
}

TEST(ToDot, BranchesJoinAtTheStageThatPullsThem) {
  auto f = intro_test::pair(coflow::scripted<int>({1}),
                            intro_test::worker_source<4>{} | coflow::map([](long v) { return v; }));
  std::string dot = coflow::to_dot(f);
  // One node per stage plus the end point (5); one edge per upstream plus the output (4).
  EXPECT_EQ(count(dot, " -> "), 4u) << dot;
  EXPECT_EQ(count(dot, " [label=") - count(dot, " -> "), 5u) << dot;
  // The cooperating source is dashed, the worker runs a thread, the map only forwards it.
  EXPECT_NE(dot.find("n0 [label=\"scripted<int>\", shape=ellipse, style=\"dashed\"];"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("n1 [label=\"worker<long>\", shape=ellipse, style=\"dashed,filled\", peripheries=2"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("n2 [label=\"map\", style=\"rounded,dashed\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n3 [label=\"pair\", style=\"rounded,dashed\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n0 -> n3 [label=\"int\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n2 -> n3 [label=\"long\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n3 -> n4 [label=\"pair<int, long>\"];"), std::string::npos) << dot;
}

TEST(ToDot, LabelsAreEscapedAndOptionsApply) {
  std::string dot =
      coflow::to_dot(intro_test::unbounded_source{},
                     {.graph_name = "jobs", .rankdir = "TB", .label = "a \"title\"", .legend = true});
  EXPECT_EQ(dot.rfind("digraph \"jobs\" {\n  rankdir=TB;\n  labelloc=t; fontname=\"Helvetica\"; label=\"a "
                      "\\\"title\\\"\";\n",
                      0),
            0u)
      << dot;
  EXPECT_NE(dot.find("[label=\"queue[\\\"jobs\\\"]\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("subgraph cluster_legend"), std::string::npos) << dot;
  EXPECT_EQ(dot.back(), '\n');
  EXPECT_EQ(count(dot, "{"), count(dot, "}"));
}

}  // namespace
