"""compute() and report(): the public entry points of rules, history and KPIs.

``compute`` is pure (Tables + as_of → Results, no I/O, no clock); ``report`` reads a workbook
through :func:`xltrack.normalize.api.read_workbook` and computes. ``xltrack report`` is a thin
wrapper over ``report``.

Order of work: payments → History records → stage transitions detected since the last
refresh → per-project rules (which need the transitions for days in stage) → new History →
week-over-week changes → KPIs.
"""
from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import numpy as np
import pandas as pd

from ..tables import Tables
from . import changes as changes_mod
from . import data_dates
from . import history
from .events import CLOSED, MILESTONE, project_keys, stage_events
from .kpis import PERIODS, compute_kpis
from .payments import overdue_by_project, payment_status
from .results import Results
from .rules import milestone_entry, project_rules


def compute(tables: Tables, as_of: dt.date, *, period: str = "month") -> Results:
    """Rules, history and KPIs for ``tables`` as of ``as_of`` (pure)."""
    # The reasons lists and the History grid allocate ~10^5 small containers; with the tables'
    # objects alive, the cyclic GC rescans them again and again. Pausing it for this pure,
    # cycle-free computation (its previous state is restored) saved ~15-20 % at 50k projects.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _compute(tables, as_of, period)
    finally:
        if paused:
            gc.enable()


def _compute(tables: Tables, as_of: dt.date, period: str) -> Results:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    lang, pipeline = tables.lang, tables.pipeline
    projects = tables.projects

    pay = payment_status(tables.payments, as_of, lang,
                         flagged=tables.flagged("payments", ["planned_amount", "actual_amount"]))
    records = history.parse(tables.history_rows, pipeline)
    known = {s.key for s in pipeline.stages}
    p_stage = projects.assign(stage=projects["stage"].where(projects["stage"].isin(list(known)), None))
    entry = milestone_entry(p_stage, pipeline)
    new_tr = history.detect_transitions(records, p_stage, entry, as_of)
    transitions = pd.concat([history.transitions_of(records), new_tr], ignore_index=True)
    transitions["date"] = transitions["date"].astype("datetime64[ns]")

    rules = project_rules(projects, tables.activities, pipeline, as_of, lang,
                          transitions=transitions, payment_overdue=overdue_by_project(pay), entry=entry,
                          typed_stage=tables.typed("projects", "stage"))
    new_records = history.update(records, rules, new_tr, as_of)
    high = history.new_high_water(records, projects["id"])
    history_rows = history.to_rows(new_records, pipeline, lang, high)

    week, base_day = changes_mod.week_changes(records, rules, pipeline, as_of, lang)
    ids, rowk = project_keys(projects)
    events = stage_events(p_stage, pipeline, transitions, ids, rowk)
    kpis = {"as_of": as_of.isoformat(), "currency": pipeline.currency, "lang": lang,
            "data_dates": data_dates.check(tables, as_of)}
    kpis.update(compute_kpis(rules, projects, tables.activities, pay, pipeline, tables.issues,
                             transitions, as_of, period, lang, events=(events, ids, rowk)))
    kpis["changes"] = changes_mod.summary(week, base_day)
    kpis["history"] = {"transitions": int(len(transitions)), "new_transitions": int(len(new_tr)),
                       "rows": len(history_rows) - 1}
    return Results(as_of=as_of, lang=lang, currency=pipeline.currency, projects=rules,
                   payments=pay, kpis=kpis, history_rows=history_rows, changes=week,
                   transitions=_known_transitions(transitions, events, ids))


def _known_transitions(transitions: pd.DataFrame, events: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """History transitions plus milestone entries (``from_stage`` unknown), with their ``source``."""
    ms = events.loc[events["src"].isin([MILESTONE, CLOSED])]
    milestones = pd.DataFrame({
        "id": ids.to_numpy(dtype=object)[ms["k"].to_numpy()] if len(ms) else np.empty(0, dtype=object),
        "from_stage": None, "to_stage": ms["stage"].to_numpy(), "date": ms["date"].to_numpy(),
        "source": np.where(ms["src"].to_numpy() == CLOSED, "closed", "milestone")})
    out = pd.concat([transitions.assign(source="history"), milestones], ignore_index=True)
    out["date"] = out["date"].astype("datetime64[ns]")
    # a transition History dated by its milestone is one fact, not two
    out = out.drop_duplicates(["id", "to_stage", "date"], keep="first").reset_index(drop=True)
    return out[["id", "from_stage", "to_stage", "date", "source"]]


def report(path: str | Path, *, as_of: dt.date | None = None, period: str = "month") -> Results:
    """Read the workbook at ``path`` and compute its report (as_of defaults to today)."""
    from ..clock import today
    from ..normalize.api import read_workbook  # imported when used: the reader is heavier

    as_of = as_of or today()
    tables = read_workbook(path, as_of=as_of)
    return compute(tables, as_of, period=period)
