"""Benchmark: ``xltrack refresh`` end to end vs a naive openpyxl load-modify-save, same run.

For each size (default 1,000 / 10,000 / 50,000 projects, ~10 activities each, payment plans) the
standard workbook is generated with the build module (XlsxWriter: tables, validations, notes,
conditional formats — what a team's file looks like), then, each in a fresh subprocess so that
peak memory (``ru_maxrss``) is per run:

* ``xltrack``: ``xltrack.refresh(path)`` — read, validate, compute, plan, apply, atomic replace,
  backup — timed inside the process; the one-off import of pandas & co. is reported apart;
* ``openpyxl``: ``load_workbook`` → write the *same* plan's computed columns (values and fills)
  and owned sheets → ``save``. Only the write-back is done this way (the plan is computed by
  xltrack first, untimed), so the comparison favours openpyxl.

A second xltrack refresh of the refreshed file is timed too (``--no-second`` skips it): that is the
steady state of a nightly job — computed columns already there, the History sheet full.

Usage: ``python3 benchmarks/bench_refresh.py [--sizes 1000,10000,50000] [--no-naive] [--no-second]
[--keep DIR]``. The load average (1 min) before and after each size is printed: on the shared
2-core machine other processes change the figures by a factor of up to 3.
Targets (issue 5, 2-core machine): 10k ≤ 1.5 s and ≥ 15× faster than naive; 50k ≤ 8 s, ≤ 1 GiB.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AS_OF = dt.date(2026, 11, 27)

_XLTRACK = """
import json, resource, sys, time, datetime as dt
sys.path.insert(0, {root!r})
t = time.perf_counter()
from xltrack.refresh import refresh
import xltrack.normalize.api, xltrack.compute.api, xltrack.planner, xltrack.backends.file
imports = time.perf_counter() - t
t = time.perf_counter()
r = refresh(sys.argv[1], as_of=dt.date(2026, 11, 27))
s = time.perf_counter() - t
print(json.dumps({{"seconds": s, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "timings": r.timings, "imports": imports}}))
"""

_NAIVE = """
import json, resource, sys, time, datetime as dt
sys.path.insert(0, {root!r})
from xltrack.normalize.api import read_workbook
from xltrack.compute.api import compute
from xltrack.planner import make_plan
tables = read_workbook(sys.argv[1], as_of=dt.date(2026, 11, 27))
plan = make_plan(tables, compute(tables, dt.date(2026, 11, 27)))
import openpyxl
from openpyxl.styles import Font, PatternFill
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1])
fills = {{}}
def put(ws, r, c, cell):
    x = ws.cell(r, c)
    v = cell.value
    x.value = v
    if isinstance(v, str):
        x.data_type = "s"
    st = cell.style
    if st is not None:
        if st.fill:
            if st.fill not in fills:
                fills[st.fill] = PatternFill("solid", fgColor=st.fill)
            x.fill = fills[st.fill]
        if st.num_format:
            x.number_format = st.num_format
for col in plan.columns:
    ws = wb[col.sheet]
    put(ws, col.header_row, col.col, col.header)
    for r, cell in zip(col.rows, col.cells):
        put(ws, r, col.col, cell)
for sw in plan.sheets:
    idx = wb.sheetnames.index(sw.name) if sw.name in wb.sheetnames else len(wb.sheetnames)
    if sw.name in wb.sheetnames:
        del wb[sw.name]
    ws = wb.create_sheet(sw.name, idx)
    for r, row in enumerate(sw.rows, start=1):
        for c, cell in enumerate(row, start=1):
            if cell is not None and cell.value is not None:
                put(ws, r, c, cell)
wb.save(sys.argv[1])
s = time.perf_counter() - t
print(json.dumps({{"seconds": s, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
"""


def make_workbook(path: Path, projects: int) -> Path:
    """The standard workbook with ``projects`` demo projects (~10 activities each).

    The demo generator draws unique customer names from a finite pool, so beyond 10,000
    projects blocks of 10,000 are repeated with distinct IDs and customer names."""
    from xltrack.build.api import _pipeline
    from xltrack.build.demo_data import generate
    from xltrack.build.workbook import build_workbook

    block = min(projects, 10_000)
    d = generate(rows=block, seed=1, as_of=AS_OF, pipeline=_pipeline("zh"))
    base = d.rows()
    data: dict[str, list[dict]] = {k: [] for k in base}
    for k in range(-(-projects // block)):
        def pid(v, k=k):
            return f"{v}-{k}" if k and isinstance(v, str) and v else v
        for p in base["projects"][: projects - k * block]:
            data["projects"].append({**p, "id": pid(p.get("id")),
                                     "customer": f"{p.get('customer')}{k or ''}" if p.get("customer") else None})
        keep = {p.get("id") for p in base["projects"][: projects - k * block]}
        for sheet in ("activities", "payments"):
            data[sheet] += [{**r, "project_id": pid(r.get("project_id"))} if r else r
                            for r in base[sheet] if not r or r.get("project_id") in keep]
    build_workbook(path, d.pipeline, "zh", data)
    return path


def run(script: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", script.format(root=str(ROOT)), str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--no-second", action="store_true", help="skip the second refresh of the refreshed file")
    ap.add_argument("--keep", type=Path, default=None, help="folder for the generated workbooks")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="xltrack-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        src = folder / f"pipeline-{n}.xlsx"
        if not src.exists():
            t = time.perf_counter()
            make_workbook(src, n)
            print(f"generated {src.name} ({src.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s",
                  file=sys.stderr)
        work = folder / f"work-{n}.xlsx"
        shutil.copy(src, work)
        load0 = os.getloadavg()[0]
        xl = run(_XLTRACK, work)
        again = None if args.no_second else run(_XLTRACK, work)
        naive = None
        if not args.no_naive:
            shutil.copy(src, work)
            naive = run(_NAIVE, work)
        xl["load"] = (load0, os.getloadavg()[0])
        rows.append((n, src.stat().st_size, xl, naive))
        t = xl["timings"]
        if again:
            a = again["timings"]
            print(f"{n}: second refresh {again['seconds']:.2f} s (read {a['read']:.2f}, compute {a['compute']:.2f}, "
                  f"plan {a['plan']:.2f}, write {a['write']:.2f}), {again['rss'] / 2**20:.0f} MiB", file=sys.stderr)
        print(f"{n}: imports {xl.get('imports', 0):.2f} s; xltrack {xl['seconds']:.2f} s (read {t['read']:.2f}, compute {t['compute']:.2f}, "
              f"plan {t['plan']:.2f}, write {t['write']:.2f}), {xl['rss'] / 2**20:.0f} MiB"
              + (f"; openpyxl {naive['seconds']:.2f} s, {naive['rss'] / 2**20:.0f} MiB" if naive else "")
              + f"; load average {xl['load'][0]:.1f} → {xl['load'][1]:.1f}",
              file=sys.stderr)
    print("| projects | file | xltrack refresh (s) | read / compute / plan / write (s) | peak MiB | "
          "openpyxl write-back (s) | peak MiB | speed-up |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|")
    for n, size, xl, naive in rows:
        t = xl["timings"]
        split = f"{t['read']:.2f} / {t['compute']:.2f} / {t['plan']:.2f} / {t['write']:.2f}"
        nv = (f"{naive['seconds']:.2f} | {naive['rss'] / 2**20:.0f} | {naive['seconds'] / xl['seconds']:.0f}×"
              if naive else "– | – | –")
        print(f"| {n:,} | {size / 1e6:.1f} MB | {xl['seconds']:.2f} | {split} | {xl['rss'] / 2**20:.0f} | {nv} |")


if __name__ == "__main__":
    main()
