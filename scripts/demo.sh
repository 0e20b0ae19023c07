#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds and runs the demo (examples/quickstart.cpp), installing what it lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
need_packages "${COFLOW_DEMO_PACKAGES[@]}"

# Quiet when all goes well; the whole build log when it does not.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
         -DCOFLOW_BUILD_TESTS=OFF -DCOFLOW_BUILD_BENCHMARKS=OFF &&
       cmake --build build/demo --target quickstart; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "coflow: building the demo failed (log above)" >&2
  exit 1
fi
./build/demo/examples/quickstart
