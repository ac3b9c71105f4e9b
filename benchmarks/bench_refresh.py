"""Benchmark: ``xltrack refresh`` as a user waits for it, against a naive openpyxl refresh.

First, the **whole process** (see ``benchmarks/_proc.py``): ``xltrack refresh WORKBOOK`` started
as a fresh process — interpreter, imports, read, validate, compute, plan, write, backup, atomic
replace, exit — on the demo workbooks of ``xltrack init --demo --rows N`` (10,000 projects,
~100,000 activities; 50,000 / ~500,000), median of 5 runs, peak RSS of the process, with the
naive baseline interleaved in the same run (``benchmarks/naive.py refresh``: openpyxl
``load_workbook`` → the same computed columns with their fills → ``save``):

* refresh 10k — the first refresh of the demo (a fresh copy before each run);
* refresh 10k, second refresh — the refreshed file refreshed again the same day (steady state);
* refresh 50k — the first refresh (the baseline runs once: 75–85 s and 2 GiB a run).

Second, the **in-process breakdown**: ``xltrack.refresh()`` in a fresh process, the import time
apart, seconds per stage (read, compute, plan, write) and the peak RSS reached by the end of each
stage (``ru_maxrss`` high-water mark when the next stage starts).

Usage: ``python3 benchmarks/bench_refresh.py [--sizes 10000,50000] [--repeat 5] [--no-naive]
[--no-breakdown]``; ``BENCH_QUICK=1`` skips 50k (and repeats 3 times). The load average is
printed: on the shared 2-core machine other processes stretch every wall time.
Targets (issue 16): 10k ≤ 1.2 s and ≥ 15× naive; second refresh ≤ 1.0 s; 50k ≤ 4 s, ≤ 500 MiB.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _proc import (AS_OF, XLTRACK, Case, Row, cache_dir, demo_workbook, interleave,  # noqa: E402
                   load, machine, quick, repeat_default, table)

NAIVE = str(Path(__file__).resolve().parent / "naive.py")
MiB = 2**20


def copier(src: Path, dst: Path):
    def setup() -> None:
        shutil.copyfile(src, dst)
    return setup


def refresh_cmd(path: Path) -> list[str]:
    return [XLTRACK, "refresh", str(path), "--as-of", AS_OF]


def whole(sizes: list[int], repeat: int, naive: bool) -> list[Row]:
    rows: list[Row] = []
    folder = cache_dir()
    for n in sizes:
        src = demo_workbook(n)
        k = f"{n // 1000}k"
        steady = folder / f"steady-{n}.xlsx"        # the demo once refreshed (same as-of)
        if not steady.exists():
            shutil.copyfile(src, steady)
            subprocess.run(refresh_cmd(steady) + ["--no-backup"], check=True, capture_output=True)
        columns = folder / f"columns-{n}.json"      # what the baseline writes (computed untimed)
        if naive and not columns.exists():
            subprocess.run([sys.executable, NAIVE, "dump", str(src), str(columns), AS_OF], check=True)
        work, again, base = (folder / f"{p}-{n}.xlsx" for p in ("work", "again", "naive"))
        first = Case(f"refresh {k}", refresh_cmd(work), setup=copier(src, work))
        second = Case(f"refresh {k} again", refresh_cmd(again), setup=copier(steady, again))
        baseline = Case("openpyxl", [sys.executable, NAIVE, "refresh", str(base), str(columns)],
                        setup=copier(src, base))
        print(f"{n:,} projects ({src.stat().st_size / 1e6:.1f} MB), load {load():.2f}", file=sys.stderr)
        if n <= 10_000:
            interleave([first, second] + ([baseline] if naive else []), repeat, log=_log)
            rows.append(Row(f"refresh {k} (first refresh of the demo)", first, baseline if naive else None,
                            "≤ 1.2 s and ≥ 15×", wall_max=1.2, ratio_min=15))
            rows.append(Row(f"refresh {k}, second refresh (steady state)", second, None, "≤ 1.0 s",
                            wall_max=1.0))
        else:
            interleave([first, second], repeat, log=_log)
            if naive:
                interleave([baseline], 1, log=_log)
            rows.append(Row(f"refresh {k}", first, baseline if naive else None, "≤ 4 s, ≤ 500 MiB",
                            wall_max=4.0, rss_max=500 * MiB))
            rows.append(Row(f"refresh {k}, second refresh", second))
    return rows


_INPROC = """
import json, resource, sys, time, datetime as dt
t = time.perf_counter()
from xltrack.refresh import refresh
import xltrack.normalize.api, xltrack.compute.api, xltrack.planner, xltrack.backends.file
imports = time.perf_counter() - t
peaks = {}
last = [None]
def step(name):
    if last[0]:
        peaks[last[0]] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    last[0] = name
t = time.perf_counter()
r = refresh(sys.argv[1], as_of=dt.date.fromisoformat(sys.argv[2]), progress=step)
s = time.perf_counter() - t
peaks[last[0]] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": s, "imports": imports, "timings": r.timings, "peaks": peaks}))
"""


def breakdown(sizes: list[int]) -> None:
    folder = cache_dir()
    print("\nIn-process breakdown (one fresh process each; seconds, and peak RSS reached by the end of "
          "each stage):\n")
    print("| refresh | imports | read | compute | plan | write | total after imports | "
          "peak MiB: read / compute / plan / write |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for n in sizes:
        for label, src in (("first", demo_workbook(n)), ("second", folder / f"steady-{n}.xlsx")):
            if not src.exists():
                continue
            work = folder / f"breakdown-{n}.xlsx"
            shutil.copyfile(src, work)
            out = subprocess.run([sys.executable, "-c", _INPROC, str(work), AS_OF], check=True,
                                 capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            t, p = r["timings"], r["peaks"]
            stages = ("read", "compute", "plan", "write")
            print(f"| {n // 1000}k {label} | {r['imports']:.2f} | "
                  + " | ".join(f"{t[s]:.2f}" for s in stages)
                  + f" | {r['seconds']:.2f} | " + " / ".join(f"{p.get(s, 0) / MiB:.0f}" for s in stages) + " |")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000" if quick() else "10000,50000")
    ap.add_argument("--repeat", type=int, default=repeat_default())
    ap.add_argument("--no-naive", action="store_true", help="skip the openpyxl baseline")
    ap.add_argument("--no-breakdown", action="store_true", help="skip the in-process breakdown")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    start = machine()
    rows = whole(sizes, args.repeat, not args.no_naive)
    print(f"\nxltrack refresh, whole process (median wall and CPU of fresh processes, peak RSS); "
          f"started {start}; ended with load {load():.2f}\n")
    print(table(rows))
    if not args.no_breakdown:
        breakdown(sizes)


if __name__ == "__main__":
    main()
