"""Benchmark: ``xltrack.compute`` (rules, history, KPIs) vs a naive per-row Python loop, same run.

Builds normalized tables directly (the contract's dtypes, no workbook): N projects across all
stages with realistic gaps (missing amounts, dates, next steps), M activities and N/2 payment
rows, then times:

* ``compute (empty History)`` — the first refresh: every project gets a History state row;
* ``compute (with History)`` — a refresh a week later feeding the first one's History back
  (transitions detected, changes against a baseline);
* ``naive loop`` — the same per-project idle days, days in stage and light computed with plain
  Python dicts and a for-loop per row (no KPIs), to show what vectorising buys.

Usage: ``python3 benchmarks/bench_compute.py [--projects 50000] [--activities 500000] [--repeat 3]``.
Target (issue 4): compute < 1 s for 50,000 projects and 500,000 activities on a 2-core machine.
Timings are the best of ``--repeat`` runs; this is a script with a results table, not a test.

Measured 2026-11-27 on the 2-core build machine (load average 1.2, best of 5): compute 0.51 s
with an empty History, 0.78 s with a 50,000-row History; the naive loop 1.77 s for the lights
alone. Before vectorising activity stats and stage entries and pausing the GC it was 7.6 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xltrack.compute.api import compute  # noqa: E402
from xltrack.pipeline import default_pipeline, layout  # noqa: E402
from xltrack.tables import Tables  # noqa: E402

AS_OF = dt.date(2026, 11, 27)


def _dates(rng: np.random.Generator, n: int, lo: int, hi: int, missing: float) -> pd.Series:
    days = rng.integers(lo, hi, n)
    d = pd.Timestamp(AS_OF) + pd.to_timedelta(days, unit="D")
    return pd.Series(d, dtype="datetime64[ns]").where(rng.random(n) >= missing)


def _frame(sheet: str, n: int, values: dict[str, pd.Series]) -> pd.DataFrame:
    cols = {}
    for c in layout().sheet(sheet).user_columns:
        if c.key in values:
            cols[c.key] = values[c.key].reset_index(drop=True)
        elif c.type == "date":
            cols[c.key] = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
        elif c.type in ("money", "percent", "int"):
            cols[c.key] = pd.Series(np.nan, index=range(n), dtype="float64")
        else:
            cols[c.key] = pd.Series([None] * n, dtype=object)
    cols["_row"] = pd.Series(np.arange(2, n + 2), dtype="int64")
    return pd.DataFrame(cols)


def make_tables(n: int, m: int, seed: int = 1) -> Tables:
    rng = np.random.default_rng(seed)
    pipe = default_pipeline()
    keys = np.array([s.key for s in pipe.stages], dtype=object)
    weights = np.array([0.15, 0.2, 0.2, 0.15, 0.12, 0.1, 0.08])
    ids = pd.Series([f"P-{i:05d}" for i in range(1, n + 1)], dtype=object)
    owners = np.array([f"销售{i:02d}" for i in range(40)], dtype=object)
    stage = pd.Series(rng.choice(keys, n, p=weights / weights.sum()), dtype=object)
    stage = stage.where(rng.random(n) >= 0.01, None)
    next_step = pd.Series(np.where(rng.random(n) < 0.85, "跟进", None), dtype=object)
    projects = _frame("projects", n, {
        "id": ids, "customer": pd.Series(np.char.add("客户", np.arange(n).astype(str)).astype(object)),
        "owner": pd.Series(rng.choice(owners, n), dtype=object), "stage": stage,
        "amount": pd.Series(rng.integers(1, 500, n) * 10_000.0).where(rng.random(n) >= 0.05),
        "probability": pd.Series(rng.choice([0.3, 0.6, 0.9], n)).where(rng.random(n) < 0.1),
        "created": _dates(rng, n, -400, -1, 0.02), "expected_close": _dates(rng, n, -60, 200, 0.1),
        "next_step": next_step, "next_step_due": _dates(rng, n, -20, 30, 0.2),
        "negotiation_started": _dates(rng, n, -120, 0, 0.5), "closed": _dates(rng, n, -200, 0, 0.3),
        "contract_signed": _dates(rng, n, -200, 0, 0.6),
    })
    activities = _frame("activities", m, {
        "project_id": pd.Series(ids.to_numpy()[rng.integers(0, n, m)], dtype=object),
        "date": _dates(rng, m, -300, 1, 0.01), "owner": pd.Series(rng.choice(owners, m), dtype=object),
    })
    k = n // 2
    payments = _frame("payments", k, {
        "project_id": pd.Series(ids.to_numpy()[rng.integers(0, n, k)], dtype=object),
        "planned_date": _dates(rng, k, -120, 120, 0.05),
        "planned_amount": pd.Series(rng.integers(1, 100, k) * 10_000.0),
        "actual_date": _dates(rng, k, -120, 0, 0.6),
    })
    return Tables(lang="zh", pipeline=pipe, projects=projects, activities=activities, payments=payments)


def naive(t: Tables) -> list[str]:
    """Idle days, days in stage and a light per project with dicts and a Python loop."""
    today = pd.Timestamp(AS_OF).to_pydatetime().date()
    last: dict[str, dt.date] = {}
    for pid, d in zip(t.activities["project_id"].tolist(), t.activities["date"].tolist()):
        if pid is None or d is pd.NaT or d != d:
            continue
        d = d.date()
        if d <= today and (pid not in last or d > last[pid]):
            last[pid] = d
    stages = {s.key: s for s in t.pipeline.stages}
    lights = []
    for row in t.projects.to_dict("records"):
        s = stages.get(row["stage"])
        light = 0
        if s is not None and s.kind == "open":
            lf = last.get(row["id"])
            idle = (today - lf).days if lf else None
            entered = row["negotiation_started"] if s.key == "negotiation" else pd.NaT
            if entered is pd.NaT or entered != entered:
                entered = row["created"]
            dis = (today - entered.date()).days if entered == entered and entered is not pd.NaT else None
            for v, y, r in ((idle, s.idle_yellow, s.idle_red), (dis, s.stage_yellow, s.stage_red)):
                if v is not None and r and v >= r:
                    light = 2
                elif v is not None and y and v >= y:
                    light = max(light, 1)
            due = row["next_step_due"]
            if due == due and due is not pd.NaT and due.date() < today:
                light = 2
        lights.append(["green", "yellow", "red"][light])
    return lights


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=50_000)
    ap.add_argument("--activities", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    t0 = time.perf_counter()
    tables = make_tables(a.projects, a.activities)
    print(f"generated {a.projects:,} projects, {a.activities:,} activities, {len(tables.payments):,} payments "
          f"in {time.perf_counter() - t0:.2f} s")

    compute(tables, AS_OF)  # warm-up (imports, caches)
    t_first, r1 = best(lambda: compute(tables, AS_OF), a.repeat)
    later = Tables(lang="zh", pipeline=tables.pipeline, projects=tables.projects.assign(
        stage=tables.projects["stage"].where(np.arange(a.projects) % 10 != 0, "negotiation")),
        activities=tables.activities, payments=tables.payments, history_rows=r1.history_rows)
    week = AS_OF + dt.timedelta(days=7)
    t_hist, r2 = best(lambda: compute(later, week), a.repeat)
    t_naive, _ = best(lambda: naive(tables), 1)

    rows = [("compute (empty History)", t_first, f"{len(r1.history_rows) - 1:,} History rows written"),
            ("compute (with History)", t_hist, f"{r2.kpis['history']['new_transitions']:,} transitions, "
                                               f"{len(r2.changes):,} changes"),
            ("naive per-row loop (lights only)", t_naive, "no reasons, no KPIs")]
    print(f"\n{'what':36} {'seconds':>8}  {'vs compute':>10}  note")
    print("-" * 90)
    for name, secs, note in rows:
        print(f"{name:36} {secs:8.3f}  {secs / t_first:9.1f}×  {note}")
    lights = r1.projects["light"].value_counts().to_dict()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nlights: {lights}; load average {load:.1f} on {os.cpu_count()} cores; "
          f"target < 1 s: {'met' if max(t_first, t_hist) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
