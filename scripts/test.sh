#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Installs what is missing, checks the format, the layers and the length of functions, then
# configures, builds and runs every test: GCC 12 (debug), Clang 16 (debug, with the fuzz
# targets), Clang 16 with libc++ 16, GCC with AddressSanitizer + UndefinedBehaviorSanitizer,
# and the threaded tests under ThreadSanitizer (Clang 16).
# Set COFLOW_PRESETS="debug clang-debug" to run only some of them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
need_packages "${COFLOW_TEST_PACKAGES[@]}"

jobs=$(nproc)
presets=${COFLOW_PRESETS:-"debug clang-debug clang-libcxx asan tsan"}

# Services the tests need (PostgreSQL, Redis), stopped again on exit.
if [ -x scripts/services.sh ]; then
  . scripts/services.sh
  start_services
  trap stop_services EXIT
fi

# Static checks first: they take seconds and say what is wrong without a build.
echo "=== coflow: static checks ==="
scripts/check_format.sh
scripts/check_layers.sh
scripts/long_functions.sh

failed=()
for preset in $presets; do
  echo "=== coflow: preset $preset ==="
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j "$jobs"
  if ! ctest --preset "$preset" -j "$jobs"; then
    failed+=("$preset")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "coflow: tests failed in presets: ${failed[*]}"
  exit 1
fi
echo "coflow: all tests passed in presets: $presets"
