#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Renders the stage graphs of the demo and of the SQLite example with Graphviz:
# docs/graphs/quickstart.png and docs/graphs/sqlite_report.png. The graphs come from
# coflow::to_dot, printed by examples/quickstart_graph.cpp and examples/sqlite_report_graph.cpp.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
need_packages "${COFLOW_DEMO_PACKAGES[@]}" graphviz libsqlite3-dev
cmake -S . -B build/graphs -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCOFLOW_BUILD_TESTS=OFF \
  -DCOFLOW_BUILD_BENCHMARKS=OFF >/dev/null
mkdir -p docs/graphs
for name in quickstart sqlite_report; do
  cmake --build build/graphs --target "${name}_graph" >/dev/null
  "./build/graphs/examples/${name}_graph" >"build/graphs/${name}.dot"
  dot -Tpng -Gdpi=110 "build/graphs/${name}.dot" -o "docs/graphs/${name}.png"
  echo "docs/graphs/${name}.png"
done
