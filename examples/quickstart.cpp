// SPDX-License-Identifier: BSL-1.0
// quickstart: the seed's producer and consumer, written with coflow.
//
// A flow is built from stages. Each pull of a stage gives a value, the end, a failure, or a
// `cooperate`: "nothing yet, let others run and ask me again". Here the names arrive with such
// a pause in the middle, as if they came from the network; nobody has to handle it by hand.
#include <coflow/coflow.hpp>

#include <iostream>
#include <string>
#include <vector>

// The producer pairs each number with its name. `scripted` replays a list of steps: here the
// names, with a pause before "three".
auto producer() {
  return coflow::zip(coflow::from(std::vector{1, 2, 3}),
                     coflow::scripted<std::string>({"one", "two", coflow::cooperate{}, "three"}));
}

// The consumer is straight-line code: `co_await stage` pulls one item (empty at the end),
// `co_yield` passes a value on. The pause inside the producer suspends it transparently.
coflow::generator<std::string> consumer() {
  auto title = coflow::just("Title");
  while (auto t = co_await title) co_yield *t;

  auto rows = producer();
  while (auto row = co_await rows) {
    auto& [number, name] = *row;
    std::string line = "(";
    line += std::to_string(number) + ", " + name + ")";
    co_yield line;
  }
}

int main() {
  // block() runs the flow on this thread, waiting out each cooperate.
  for (const std::string& line : coflow::block(consumer())) std::cout << line << '\n';
}
