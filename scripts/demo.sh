#!/usr/bin/env bash
# Builds and runs the demo (examples/quickstart.cpp), installing what it lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
need_packages "${COFLOW_DEMO_PACKAGES[@]}"
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOFLOW_BUILD_TESTS=OFF \
  -DCOFLOW_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/demo --target quickstart >/dev/null
./build/demo/examples/quickstart
