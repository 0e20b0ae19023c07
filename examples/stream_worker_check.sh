#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# At-least-once across processes: a producer appends N messages, four workers of one group
# handle them, one is killed (SIGKILL) mid-stream; after de-duplication by message id the
# workers' outputs hold every message exactly once. Prints how many were re-delivered. Needs COFLOW_REDIS (scripts/services.sh);
# exits 77 (skipped) without it.
#   examples/stream_worker_check.sh build/debug/examples/stream_worker [N]
set -u
prog=$1
n=${2:-100000}
if [ -z "${COFLOW_REDIS:-}" ]; then
  echo "COFLOW_REDIS is not set: no Redis server to test against"
  exit 77
fi
dir=$(mktemp -d /tmp/coflow-stream-worker.XXXXXX)
stream="coflow-kill-$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  "$prog" delete "$COFLOW_REDIS" "$stream"
  rm -rf "$dir"
}
trap cleanup EXIT

"$prog" produce "$COFLOW_REDIS" "$stream" "$n" || exit 1
for i in 1 2 3 4; do
  "$prog" work "$COFLOW_REDIS" "$stream" g "w$i" 300 >"$dir/w$i.out" 2>"$dir/w$i.err" &
  pids+=($!)
done
# Kill w1 once it has handled a little (bounded: 400 looks, 20 s at most).
for _ in $(seq 400); do
  [ "$(wc -l <"$dir/w1.out")" -ge 500 ] && break
  sleep 0.05
done
kill -9 "${pids[0]}"
echo "killed w1 after $(wc -l <"$dir/w1.out") lines"
status=0
for i in 1 2 3; do
  wait "${pids[$i]}" || { echo "worker w$((i + 1)) failed:"; cat "$dir/w$((i + 1)).err"; status=1; }
done
pids=()
total=$(cat "$dir"/w*.out | wc -l)
read -r unique sum < <(cat "$dir"/w*.out | awk '!seen[$1]++ { u++; s += $2 } END { printf "%d %.0f\n", u, s }')
expected_sum=$((n * (n - 1) / 2))
echo "lines $total, unique ids $unique (expected $n), re-delivered $((total - unique)), sum $sum (expected $expected_sum)"
[ "$unique" -eq "$n" ] && [ "$sum" -eq "$expected_sum" ] && exit $status
exit 1
