// SPDX-License-Identifier: BSL-1.0
// quickstart_graph: prints the quickstart's producer graph in Graphviz form
// (scripts/render_graphs.sh turns it into docs/graphs/quickstart.png).
//
// The quickstart itself is compiled in here, so the graph drawn is the one the demo runs; its
// `main` is renamed out of the way (and never called: the renamed function lacks main's
// implicit `return 0`).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wreturn-type"
#define main quickstart_main
#include "quickstart.cpp"
#undef main
#pragma GCC diagnostic pop

#include <coflow/introspection/describe.hpp>
#include <coflow/introspection/to_dot.hpp>

int main() {
  // The consumer is a generator: what it pulls (the title, then the producer) is in its code,
  // not in its type, so the graph shows the producer, whose stages are all in its type.
  std::cout << "// " << coflow::describe(producer()) << '\n';
  std::cout << coflow::to_dot(producer(),
                              {.graph_name = "quickstart",
                               .label = "quickstart: producer(), pulled by the consumer generator",
                               .legend = true});
}
