"""Benchmark: ``xltrack.sheets.build_sheets`` (the eight owned sheets) as the pipeline grows.

Builds Tables + Results by hand (tests/support/sheets_case.py; no compute, no workbook) with N
projects over 50 owners, one in five red and one in seven yellow, and N/2 payment rows, then
times ``build_sheets`` and the chart parts (``chart_xml`` for the dashboard's four charts) and
reports the row count of each sheet — the bounds (risk list 500 rows, owner chart 13 bars…)
should keep those flat as N grows.

Usage: ``python3 benchmarks/bench_sheets.py [--sizes 1000,10000,50000] [--repeat 3]``.
This is a script with a results table, not a test.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.sheets_case import make_case  # noqa: E402
from xltrack.backends.file.charts import chart_xml  # noqa: E402
from xltrack.sheets import build_sheets  # noqa: E402

STAGES = ["lead", "discovery", "proposal", "negotiation", "won", "lost"]


def case(n: int):
    projects = [(f"P-{i:06d}", f"客户{i}", "项目", f"销售{i % 50:02d}", STAGES[i % 6], float(i % 997) * 1000,
                 "red" if i % 5 == 0 else ("yellow" if i % 7 == 0 else "green"), ["理由"],
                 float(i % 30), 5.0, "下一步", pd.Timestamp("2026-12-01")) for i in range(n)]
    status = ["collected", "due", "overdue", "planned"]
    payments = [(f"P-{i * 2:06d}", "首付款", pd.Timestamp("2026-11-01") + pd.Timedelta(days=i % 200 - 100),
                 1000.0, pd.NaT, float("nan"), status[i % 4], float(i % 40) if i % 4 == 2 else float("nan"),
                 1000.0) for i in range(n // 2)]
    return make_case(projects=projects, payments=payments, issues=[])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'projects':>9} {'build_sheets s':>15} {'charts s':>9}  rows per sheet")
    for n in (int(x) for x in args.sizes.split(",")):
        tables, results = case(n)
        best, best_c, sheets = float("inf"), float("inf"), []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            sheets = build_sheets(tables, results)
            t1 = time.perf_counter()
            dash = next(s for s in sheets if s.key == "dashboard")
            for ch in dash.charts:
                chart_xml(ch, dash.name)
            t2 = time.perf_counter()
            best, best_c = min(best, t1 - t0), min(best_c, t2 - t1)
        rows = " ".join(f"{s.key}={len(s.rows)}" for s in sheets)
        print(f"{n:>9} {best:>15.3f} {best_c:>9.4f}  {rows}")


if __name__ == "__main__":
    main()
