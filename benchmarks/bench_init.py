"""Benchmark: ``xltrack init`` — the empty standard workbook and demo workbooks of growing size.

Usage: ``python3 benchmarks/bench_init.py [--repeat 5]``. Prints a table of seconds (best of
``--repeat``) and file sizes. Target (issue 2): the empty workbook well under a second.
This is a script with a results table, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xltrack.build.api import init  # noqa: E402

AS_OF = dt.date(2026, 11, 27)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "b.xlsx"
        cases = [("empty (zh)", dict(lang="zh")), ("empty (en)", dict(lang="en"))]
        cases += [(f"demo {n:,} projects", dict(demo=True, rows=n, as_of=AS_OF)) for n in (60, 1000, 5000)]
        print(f"{'case':<22} {'seconds':>8} {'size KiB':>9}")
        for name, kw in cases:
            s = best(lambda: init(out, force=True, **kw), args.repeat if "demo 5" not in name else 1)
            print(f"{name:<22} {s:>8.3f} {out.stat().st_size / 1024:>9.0f}")


if __name__ == "__main__":
    main()
