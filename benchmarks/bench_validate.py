"""Benchmark: ``xltrack validate`` as a user waits for it, against openpyxl reading every cell.

First, the **whole process** (see ``benchmarks/_proc.py``): ``xltrack validate WORKBOOK`` started
as a fresh process — interpreter, imports, read, normalize, issues printed, exit — on the demo
workbooks of ``xltrack init --demo --rows N`` (10,000 and 50,000 projects), median of 5 runs, peak
RSS, the baseline interleaved in the same run (``benchmarks/naive.py validate``: openpyxl
``load_workbook(read_only=True, data_only=True)`` iterating every value of every sheet; once at
50k).

Second, an **in-process breakdown** of the readers (each in its own process, imports not counted):

* ``validate``: the full read + header mapping + normalization + issue collection;
* ``calamine``: python-calamine's raw read of the same sheets (the floor we build on);
* ``fastexcel``: fastexcel's parse of the same sheets (column-typed; shown for the reader choice);
* ``openpyxl``: ``load_workbook(read_only=True, data_only=True)`` iterating every value.

Usage: ``python3 benchmarks/bench_validate.py [--sizes 10000,50000] [--repeat 5] [--no-naive]
[--workbook PATH | --synthetic] [--only validate,calamine,fastexcel,openpyxl]``; ``BENCH_QUICK=1``
skips 50k. ``--synthetic`` builds a messier workbook (10,000 projects, 100,000 activities, a few
percent of typed text like ``120万`` or ``2026/3/5``) for the breakdown.
Targets (issue 16): 10k ≤ 0.8 s and ≥ 5× openpyxl; 50k ≤ 3 s, ≤ 400 MiB.
"""
from __future__ import annotations

import argparse
import os
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _proc import (AS_OF as AS_OF_TEXT, XLTRACK, Case, Row, demo_workbook, interleave,  # noqa: E402
                   load, machine, quick, repeat_default, table)

NAIVE = str(ROOT / "benchmarks" / "naive.py")

AS_OF = dt.date(2026, 11, 27)


def make_workbook(path: Path, projects: int = 10_000, activities: int = 100_000, seed: int = 1) -> Path:
    import xlsxwriter

    from xltrack.pipeline import default_pipeline, layout

    rnd = random.Random(seed)
    pipe = default_pipeline()
    lay = layout()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    stages = [s.zh for s in pipe.stages]
    owners = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]

    ps = lay.sheet("projects")
    ws = wb.add_worksheet(ps.zh)
    cols = ps.columns
    for c, col in enumerate(cols):
        ws.write(0, c, col.zh)
    base = dt.date(2025, 1, 1)
    for r in range(1, projects + 1):
        messy = rnd.random() < 0.03
        created = base + dt.timedelta(days=rnd.randrange(600))
        for c, col in enumerate(cols):
            k, t = col.key, col.type
            if col.owned:
                v = None
            elif k == "id":
                v = f"P-{r:04d}"
            elif t == "stage":
                v = rnd.choice(stages) if not messy else rnd.choice(["商务洽淡", "谈判", "Proposal"])
            elif t == "owner":
                v = rnd.choice(owners)
            elif t == "money":
                v = round(rnd.uniform(1e4, 5e6), -2) if not messy else f"{rnd.randint(1, 500)}万"
            elif t == "percent":
                v = None if rnd.random() < 0.7 else rnd.choice([0.3, 0.6, "60%"])
            elif t == "date":
                if k != "created" and rnd.random() < 0.5:
                    v = None
                else:
                    d = created if k == "created" else created + dt.timedelta(days=rnd.randrange(200))
                    v = d if not messy else f"{d.year}/{d.month}/{d.day}"
            else:
                v = f"{col.zh}{r}"
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), datef)
            elif v is not None:
                ws.write(r, c, v)

    acts = lay.sheet("activities")
    wa = wb.add_worksheet(acts.zh)
    for c, col in enumerate(acts.columns):
        wa.write(0, c, col.zh)
    types = [a.zh for a in pipe.activity_types]
    for r in range(1, activities + 1):
        pid = rnd.randint(1, projects)
        d = base + dt.timedelta(days=rnd.randrange(690))
        wa.write(r, 0, f"P-{pid:04d}")
        if rnd.random() < 0.02:
            wa.write(r, 1, f"{d.year}年{d.month}月{d.day}日")
        else:
            wa.write_datetime(r, 1, dt.datetime(d.year, d.month, d.day), datef)
        wa.write(r, 2, rnd.choice(types))
        wa.write(r, 3, rnd.choice(owners))
        wa.write(r, 4, f"沟通内容 {r}")
        wa.write(r, 5, f"下一步 {r}")
    wb.close()
    return path


# name -> (set-up, timed body). Imports are set-up: the table compares the work, not import time.
_RUNNERS = {
    "validate": ("import datetime as dt\nfrom xltrack.normalize.api import validate", """
t = validate(sys.argv[1], as_of=dt.date(2026, 11, 27))
n = (len(t.projects), len(t.activities), len(t.issues))
"""),
    "calamine": ("import python_calamine", """
wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
n = [len(wb.get_sheet_by_name(s).to_python(skip_empty_area=False)) for s in wb.sheet_names]
"""),
    "fastexcel": ("import fastexcel", """
r = fastexcel.read_excel(sys.argv[1])
n = [r.load_sheet(s, header_row=None).height for s in r.sheet_names]  # parse only (no pyarrow)
"""),
    "openpyxl": ("import openpyxl", """
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = 0
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        n += len(row)
"""),
}

_WRAP = """
import json, resource, sys, time
{setup}
t0, c0 = time.perf_counter(), time.process_time()
{body}
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({{"seconds": secs, "cpu": cpu,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "result": str(n)}}))
"""


def run(name: str, path: Path) -> dict:
    setup, body = _RUNNERS[name]
    code = _WRAP.format(setup=setup, body=body)
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          cwd=str(ROOT))
    if proc.returncode != 0:
        return {"seconds": float("nan"), "cpu": float("nan"), "rss_mib": float("nan"),
                "result": "skipped: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def breakdown(path: Path, readers: list[str], repeat: int) -> None:
    """In-process: each reader timed after its imports, in its own process."""
    results = {}
    for name in readers:
        runs = [run(name, path) for _ in range(repeat)]
        results[name] = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    base = results.get("openpyxl", {}).get("seconds", float("nan"))
    print(f"\nIn-process breakdown, {path.name} (median of {repeat}, imports not counted):\n")
    print(f"{'reader':<10} {'seconds':>8} {'cpu s':>7} {'peak MiB':>9} {'vs openpyxl':>12}  result")
    for name, r in results.items():
        print(f"{name:<10} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['rss_mib']:>9.0f} "
              f"{base / r['seconds']:>11.1f}×  {r['result']}")


def whole(sizes: list[int], repeat: int, naive: bool) -> list[Row]:
    rows = []
    for n in sizes:
        src = demo_workbook(n)
        k = f"{n // 1000}k"
        xl = Case(f"validate {k}", [XLTRACK, "validate", str(src), "--as-of", AS_OF_TEXT],
                  ok=(0, 1))
        base = Case("openpyxl read-only", [sys.executable, NAIVE, "validate", str(src)])
        print(f"{n:,} projects ({src.stat().st_size / 1e6:.1f} MB), load {load():.2f}", file=sys.stderr)
        interleave([xl] + ([base] if naive and n <= 10_000 else []), repeat, log=_log)
        if naive and n > 10_000:
            interleave([base], 1, log=_log)
        if n <= 10_000:
            rows.append(Row(f"validate {k}", xl, base if naive else None, "≤ 0.8 s and ≥ 5×",
                            wall_max=0.8, ratio_min=5))
        else:
            rows.append(Row(f"validate {k}", xl, base if naive else None, "≤ 3 s, ≤ 400 MiB",
                            wall_max=3.0, rss_max=400 * 2**20))
    return rows


def _log(msg: str) -> None:
    print(msg, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000" if quick() else "10000,50000")
    ap.add_argument("--repeat", type=int, default=repeat_default())
    ap.add_argument("--no-naive", action="store_true", help="skip the openpyxl baseline")
    ap.add_argument("--workbook", type=Path, default=None,
                    help="in-process breakdown of this workbook (default: the 10k demo)")
    ap.add_argument("--synthetic", action="store_true",
                    help="in-process breakdown of a generated messy workbook (10k projects, 100k activities)")
    ap.add_argument("--only", default="validate,calamine,fastexcel",
                    help="comma-separated readers for the in-process breakdown ('' to skip it)")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    start = machine()
    rows = whole(sizes, args.repeat, not args.no_naive)
    print(f"\nxltrack validate, whole process (median wall and CPU of fresh processes, peak RSS); "
          f"started {start}; ended with load {load():.2f}\n")
    print(table(rows))
    readers = [n for n in args.only.split(",") if n in _RUNNERS]
    if readers:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.workbook or demo_workbook(10_000)
            if args.synthetic:
                path = make_workbook(Path(tmp) / "messy.xlsx")
            breakdown(path, readers, 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
