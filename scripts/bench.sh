#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Builds the release presets, runs every benchmark binary with fixed flags, keeps the Google
# Benchmark JSON and renders each ratio table as a PNG chart into docs/benchmarks/.
#
#   scripts/bench.sh [preset...]       (default: release clang-release)
#
# Every binary runs with 5 interleaved repetitions (a noisy stretch of the machine hits every
# variant alike); the charts show medians as ratios to the baseline in the same binary.
# Two-thread benchmarks are pinned: bench_ring pins its producer and consumer to the first two
# CPUs itself (20M items per run, COFLOW_BENCH_RING_ITEMS to change), bench_sql runs under
# `taskset` on those two CPUs. Results: build/bench/<preset>/
# (JSON) and docs/benchmarks/<table>.png. Set COFLOW_BENCH_FLAGS to add Google Benchmark flags.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
need_packages "${COFLOW_BENCH_PACKAGES[@]}"

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(release clang-release)
flags=(--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true ${COFLOW_BENCH_FLAGS:-})
cpus=$(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | sed 's/-.*//' | head -2 | paste -sd,)

for preset in "${presets[@]}"; do
  cmake --preset "$preset" >/dev/null
  targets=$(cd benchmarks && ls ./*.bench.cpp | sed 's|^\./\(.*\)\.bench\.cpp$|bench_\1|')
  # shellcheck disable=SC2086
  cmake --build --preset "$preset" -j2 --target $targets
  out=build/bench/$preset
  mkdir -p "$out"
  for t in $targets; do
    run=("build/$preset/benchmarks/$t")
    [ "$t" = bench_sql ] && run=(taskset -c "$cpus" "${run[@]}")
    [ "$t" = bench_ring ] && run+=(--items="${COFLOW_BENCH_RING_ITEMS:-20000000}")
    echo "== $preset: $t"
    "${run[@]}" "${flags[@]}" --benchmark_out="$out/$t.json" --benchmark_out_format=json
  done
done
python3 scripts/bench_charts.py docs/benchmarks "${presets[@]/#/build/bench/}"
