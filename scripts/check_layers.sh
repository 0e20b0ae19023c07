#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Checks that coflow's headers include only downwards: each folder of include/coflow/ is a
# layer, and a header may include a header of a lower layer or of its own folder, never one
# above it; and no header reaches itself through its includes (no cycle, within a folder too).
# Exits 1, naming the includes, when either rule is broken.
#
#   detail 0 < core 1 < sources 2 < stages, sinks, coro, threads, introspection 3
#   < control, scheduling 4 < sql, drivers, redis 5 < net 6
#   < the umbrella headers (coflow.hpp, asio.hpp, net.hpp, redis.hpp) 7
set -euo pipefail
cd "$(dirname "$0")/../include"

exec python3 - <<'PY'
import re
import sys
from pathlib import Path

LEVEL = {"detail": 0, "core": 1, "sources": 2, "stages": 3, "sinks": 3, "coro": 3, "threads": 3,
         "introspection": 3, "control": 4, "profiling": 4, "scheduling": 4, "sql": 5, "drivers": 5, "redis": 5, "net": 6, "": 7}
INCLUDE = re.compile(r'^\s*#\s*include\s+"(coflow/[^"]+)"', re.M)

def layer(path):  # "coflow/sql/detail/values.hpp" -> "sql"
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else ""

headers = {str(p): INCLUDE.findall(p.read_text()) for p in sorted(Path("coflow").rglob("*.hpp"))}
problems = []
for h, incs in headers.items():
    for inc in incs:
        if inc not in headers:
            problems.append(f"{h}: includes {inc}, which does not exist")
        elif layer(inc) != layer(h) and LEVEL[layer(inc)] >= LEVEL[layer(h)]:
            problems.append(f"{h} (layer {layer(h) or 'top'}) includes {inc} (layer {layer(inc)}): not below it")

def cycle_from(start):
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in headers.get(node, []):
            if nxt == start:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None

for h in headers:
    c = cycle_from(h)
    if c and h == min(c[:-1]):  # report each cycle once
        problems.append("cycle: " + " -> ".join(c))

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"layers: {len(headers)} headers include only downwards, no cycle")
PY
