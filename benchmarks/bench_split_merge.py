"""Benchmark: ``xltrack split`` into 20 owners and ``xltrack merge`` back, as a user runs them.

The team workbook: the standard workbook with demo data (default 50,000 projects, ~10 activities
each, payment plans) whose projects are dealt to 20 owners in 4 teams, refreshed once (untimed).
Each run, in a fresh folder:

1. ``xltrack split team.xlsx --by owner -o copies`` — a fresh process, timed from start to exit
   (wall seconds) with the child's peak RSS (``wait4``);
2. every copy edited as a salesperson would (untimed): the next step of its first 10 projects and
   2 new follow-ups;
3. ``xltrack merge team.xlsx copies`` — a fresh process, timed the same way.

The median of ``--runs`` runs is printed with the 1-minute load average before and after (the
machine is shared: other processes change the figures).

Usage: ``python3 benchmarks/bench_split_merge.py [--projects 50000] [--owners 20] [--runs 3]
[--keep DIR [--reuse]]``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
AS_OF = dt.date(2026, 11, 27)


def build_team(path: Path, projects: int, owners: int) -> None:
    """The demo workbook with its projects dealt to ``owners`` salespeople in 4 teams."""
    from xltrack.pipeline.models import Owner

    try:
        from xltrack.build.api import _pipeline
        from xltrack.build.demo_data import generate
        from xltrack.build.workbook import build_workbook
    except ImportError:   # the template/demo packages after their rename
        from xltrack.demo.api import _pipeline  # type: ignore[no-redef]
        from xltrack.demo.data import generate  # type: ignore[no-redef]
        from xltrack.template.workbook import build_workbook  # type: ignore[no-redef]
    from xltrack.refresh import refresh

    d = generate(rows=projects, seed=7, as_of=AS_OF, pipeline=_pipeline("zh"), lang="zh")
    people = [Owner(name=f"销售{i + 1:02d}", team=f"{'东南西北'[i % 4]}区", role="组长" if i < 4 else None)
              for i in range(owners)]
    demo_names = {o.name for o in d.pipeline.owners}
    d.pipeline.owners = [o for o in d.pipeline.owners if o.name not in demo_names] + people
    owner_of = {}
    for i, p in enumerate(d.projects):
        p["owner"] = people[i % owners].name
        owner_of[p["id"]] = p["owner"]
    for a in d.activities:
        if a:
            a["owner"] = owner_of.get(a.get("project_id"), people[0].name)
    build_workbook(path, d.pipeline, "zh", d.rows())
    refresh(path, as_of=AS_OF, backup=False)


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command in a fresh process (bench_import's meter)."""
    from bench_import import run

    return run(args, ROOT)


def edit_copies(folder: Path) -> int:
    from tests.support.edit_cells import set_cells
    from xltrack.normalize.api import read_workbook

    n = 0
    for copy in sorted(folder.glob("*.xlsx")):
        t = read_workbook(copy, as_of=AS_OF)
        rows = t.projects["_row"].astype(int).tolist()[:10]
        set_cells(copy, "projects", {r: {"next_step": "本周回访"} for r in rows})
        last = t.sheets["activities"].last_row
        pids = t.projects["id"].tolist()[:2]
        set_cells(copy, "activities", {last + 1 + i: {"project_id": pid, "date": AS_OF, "type": "电话",
                                                      "owner": t.projects["owner"].iloc[0], "summary": "回访"}
                                       for i, pid in enumerate(pids)})
        n += len(rows) + 2 * len(pids)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--projects", type=int, default=50_000)
    ap.add_argument("--owners", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    ap.add_argument("--reuse", action="store_true", help="reuse team.xlsx already in the --keep folder")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="bench-split-"))
    work.mkdir(parents=True, exist_ok=True)
    team = work / "team.xlsx"
    exe = [sys.executable, "-c", "from xltrack.cli import main; main()"]
    if not (a.reuse and team.is_file()):
        print(f"building {a.projects:,} projects for {a.owners} owners …", flush=True)
        t = time.perf_counter()
        build_team(team, a.projects, a.owners)
        print(f"  built and refreshed in {time.perf_counter() - t:.1f} s ({team.stat().st_size / 2**20:.1f} MiB)")
    load0 = os.getloadavg()[0]
    splits, merges = [], []
    for run in range(a.runs):
        d = work / f"run{run}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        book = d / "team.xlsx"
        shutil.copy(team, book)
        splits.append(timed([*exe, "split", str(book), "-o", str(d / "copies"), "--as-of", AS_OF.isoformat()]))
        edited = edit_copies(d / "copies")
        merges.append(timed([*exe, "merge", str(book), str(d / "copies"), "--as-of", AS_OF.isoformat()]))
        print(f"  run {run + 1}: split {splits[-1][0]:.1f} s / {splits[-1][1]:.0f} MiB, "
              f"merge ({edited} cells edited) {merges[-1][0]:.1f} s / {merges[-1][1]:.0f} MiB", flush=True)
    load1 = os.getloadavg()[0]
    print()
    print(f"{a.projects:,} projects, {a.owners} owners, median of {a.runs} (load average {load0:.2f} → {load1:.2f})")
    print("| command | wall (median) | peak RSS (median) |")
    print("|---|---|---|")
    for name, xs in (("split --by owner (20 copies)", splits), ("merge (20 copies)", merges)):
        print(f"| {name} | {statistics.median(x[0] for x in xs):.1f} s | "
              f"{statistics.median(x[1] for x in xs):.0f} MiB |")
    if a.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
