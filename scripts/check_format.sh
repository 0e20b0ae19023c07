#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Checks that every C++ file of coflow is formatted as .clang-format says (clang-format 16).
# Exits 1 and names the files that are not; `scripts/check_format.sh --fix` formats them.
set -euo pipefail
cd "$(dirname "$0")/.."
format=${CLANG_FORMAT:-clang-format-16}
mapfile -t files < <(git ls-files '*.hpp' '*.cpp' | grep -v '^benchmarks/compile/generated/')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -ne 0 ]; then
  echo "check_format: not formatted as .clang-format says (run scripts/check_format.sh --fix):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "format: ${#files[@]} files formatted as .clang-format says"
