#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Ratio tables of the benchmarks, from Google Benchmark JSON, as text and as PNG charts.

    scripts/bench_charts.py OUT_DIR RESULT_DIR...

Each RESULT_DIR (build/bench/<preset>) holds bench_<name>.json files. For every table below,
prints the median time of each row over the median of its baseline (in the same binary), per
preset, and renders OUT_DIR/<table>.png with gnuplot (lower is better, 1 = the baseline).
"""
import json
import os
import subprocess
import sys

# table: (binary, title, baseline, rows). Names are Google Benchmark run names. A row may be a
# (row, baseline) pair, for a table whose rows have baselines of their own sizes; such a row is
# labelled with its full run name.
TABLES = {
    "threads": ("bench_ring", "threaded source into a fold, vs the batched ring", "ring_batched/iterations:1/real_time",
                ["threaded_into_fold/iterations:1/real_time", "threaded_chunks_into_fold/iterations:1/real_time"]),
    "text": ("bench_text", "file chunks, lines counted, vs a std::getline loop", "getline_loop",
             ["hand_memchr_loop", "coflow_line_break_views", "coflow_line_break_strings"]),
    "sql": ("bench_sql", "SQLite rows summed, vs a raw typed sqlite3_step loop", "raw_sqlite3_step_typed_rows/real_time",
            ["coflow_query_fold/real_time", "coflow_query_fetch_many_fold/256/real_time", "raw_sqlite3_step/real_time"]),
    "switch": ("bench_scheduler", "switch cost, 1,000 flows x 10,000 switches, vs hand state machines",
               "SwitchHandStateMachines/1000/10000",
               ["SwitchCoflowScheduler/1000/10000", "SwitchCoflowAsio/1000/10000", "SwitchBareCoroutines/1000/10000",
                "SwitchCoflowSchedulerGenerators/1000/10000"]),
    "generators": ("bench_scheduler", "generator switch cost vs bare coroutines", "SwitchBareCoroutines/1000/10000",
                   ["SwitchCoflowSchedulerGenerators/1000/10000"]),
    "timers": ("bench_scheduler", "100,000 timers vs a std::priority_queue", "TimersPriorityQueue/100000",
               ["TimersCoflowScheduler/100000", "TimersCoflowAsio/100000"]),
    "parkwake": ("bench_scheduler", "Asio park and wake (flows/wakes), vs plain Asio handlers", "ParkWakeHandAsio",
                 [("ParkWakeCoflowAsio/1/1000000", "ParkWakeHandAsio/1/1000000"),
                  ("ParkWakeCoflowAsio/1000/1000", "ParkWakeHandAsio/1000/1000")]),
    "pipeline": ("bench_pipeline", "fused pipelines vs hand loops", "filter_map_fold_hand_loop",
                 ["filter_map_fold_coflow", "filter_map_fold_range_v3", "filter_map_fold_std_views"]),
}


def medians(path):
    with open(path) as f:
        data = json.load(f)["benchmarks"]
    out = {}
    for b in data:
        if b.get("aggregate_name") == "median":
            out[b["run_name"]] = b["real_time"]
    if not out:  # run without repetitions
        for b in data:
            out.setdefault(b["run_name"], b["real_time"])
    return out


def main():
    out_dir, result_dirs = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    presets = [os.path.basename(d.rstrip("/")) for d in result_dirs]
    for table, (binary, title, base, rows) in TABLES.items():
        lines = []
        for row in rows:
            row, row_base, label = (*row, row[0]) if isinstance(row, tuple) else (row, base, row.split("/")[0])
            ratios = []
            for d in result_dirs:
                path = os.path.join(d, binary + ".json")
                m = medians(path) if os.path.exists(path) else {}
                ok = row in m and row_base in m and m[row_base]
                ratios.append(m[row] / m[row_base] if ok else float("nan"))
            lines.append((label, ratios))
        print(f"{table}: {title} (median time / median of {base.split('/')[0]})")
        for name, ratios in lines:
            print(f"  {name:45s} " + "  ".join(f"{p}={r:.2f}" for p, r in zip(presets, ratios)))
        if all(r != r for _, ratios in lines for r in ratios):  # NaN: nothing measured
            continue
        dat = os.path.join(out_dir, table + ".dat")
        with open(dat, "w") as f:
            for name, ratios in lines:
                f.write(name + " " + " ".join(f"{r:.4f}" for r in ratios) + "\n")
        plot = [
            "set terminal pngcairo size 900,450 noenhanced", "set key top left", "set bmargin 7",
            f"set output '{os.path.join(out_dir, table + '.png')}'",
            f"set title '{title} (time ratio, lower is better)'",
            "set style data histograms", "set style histogram clustered gap 1", "set style fill solid 0.8",
            "set yrange [0:*]", "set xtics rotate by -20", "set grid ytics",
            "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2",
            "plot " + ", ".join(f"'{dat}' using {i + 2}:xtic(1) title '{p}'" for i, p in enumerate(presets)),
        ]
        subprocess.run(["gnuplot"], input="\n".join(plot), text=True, check=True)
        os.remove(dat)


if __name__ == "__main__":
    main()
