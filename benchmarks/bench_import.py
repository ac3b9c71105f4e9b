"""Benchmark: ``xltrack import`` of a 50,000-row CRM export, whole process, as a user runs it.

Writes a Salesforce-shaped CSV (``tests/support/crm_exports.py``: "$12,000.50" amounts, 12/31/2025
and ISO dates, 4 owners, 7 stages) and the standard workbook (``xltrack init``), then, in
alternation, runs each contender ``--repeat`` times as a fresh child process on a fresh copy of
the workbook:

* ``xltrack import`` — ``xltrack import export.csv --into book.xlsx --add-owners`` (map, upsert,
  refresh with lights and summary sheets, safe write with backup);
* ``naive pandas+openpyxl`` — what a user wrote before: ``pandas.read_csv``, a column rename and
  a stage dict, ``openpyxl.load_workbook``, append the rows to Projects, stretch the table, save.
  It parses nothing (amounts stay text), adds no owners, refreshes nothing, and its save drops
  what openpyxl does not keep — it only bounds what reading and writing the file costs.

Per run: wall seconds and the child's peak RSS (``os.wait4``); the table gives the median and
the range, and the load average before and after.

Usage: ``python3 benchmarks/bench_import.py [--rows 50000] [--repeat 3] [--keep DIR]``.
This is a script with a results table, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.crm_exports import salesforce_csv  # noqa: E402

AS_OF = dt.date(2026, 3, 16)

NAIVE = r'''
import sys, pandas as pd, openpyxl
src, book = sys.argv[1], sys.argv[2]
df = pd.read_csv(src, encoding="utf-8-sig", dtype=str)
cols = {"Opportunity ID": "项目编号", "Account Name": "客户名称", "Opportunity Name": "项目名称",
        "Opportunity Owner": "负责人", "Stage": "当前阶段", "Amount": "预计金额", "Created Date": "创建日期",
        "Close Date": "预计成交日期"}
stages = {"Prospecting": "线索获取", "Qualification": "需求挖掘", "Needs Analysis": "需求挖掘",
          "Proposal/Price Quote": "方案制定", "Negotiation/Review": "商务洽谈", "Closed Won": "成交交付",
          "Closed Lost": "输单"}
df = df.rename(columns=cols)
df["当前阶段"] = df["当前阶段"].map(stages)
wb = openpyxl.load_workbook(book)
ws = wb["项目跟踪"]
head = [c.value for c in ws[1]]
for rec in df.to_dict("records"):
    ws.append([rec.get(h) for h in head])
t = ws.tables["xlt_projects"]
t.ref = f"A1:{openpyxl.utils.get_column_letter(len(head))}{ws.max_row}"
t.autoFilter.ref = t.ref
wb.save(book)
'''


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode() if p.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed: {err}")
    return wall, usage.ru_maxrss / 1024   # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, _ = salesforce_csv(folder, n=args.rows, as_of=AS_OF)
    empty = folder / "empty.xlsx"
    if empty.exists():
        empty.unlink()
    _init(empty)
    naive = folder / "naive.py"
    naive.write_text(NAIVE, encoding="utf-8")
    xl = [sys.executable, "-c", "from xltrack.cli import main; main()"]
    contenders = {
        "xltrack import": lambda book: xl + ["import", str(csv_path), "--into", str(book), "--add-owners",
                                             "--as-of", AS_OF.isoformat()],
        "naive pandas+openpyxl": lambda book: [sys.executable, str(naive), str(csv_path), str(book)],
    }
    load_before = os.getloadavg()
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in contenders}
    for i in range(args.repeat):
        for name, cmd in contenders.items():
            book = folder / f"book-{i}-{name.split()[0]}.xlsx"
            shutil.copy(empty, book)
            results[name].append(run(cmd(book), folder))
    load_after = os.getloadavg()
    size = csv_path.stat().st_size / 2**20
    print(f"{args.rows:,} rows, CSV {size:.1f} MiB, {args.repeat} alternating runs each; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{'':24} {'wall s (median)':>16} {'range':>14} {'peak RSS MiB':>14}")
    for name, runs in results.items():
        walls, rss = [w for w, _ in runs], [m for _, m in runs]
        print(f"{name:24} {statistics.median(walls):>16.2f} {min(walls):>6.2f}–{max(walls):<6.2f} "
              f"{statistics.median(rss):>14.0f}")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


def _init(path: Path) -> None:
    from xltrack.build.api import init
    init(path)


if __name__ == "__main__":
    main()
