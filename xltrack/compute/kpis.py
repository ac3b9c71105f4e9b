"""KPIs: the numbers of the JSON contract (docs/report-json.md), from the rule results.

All values are JSON-ready: amounts as floats, counts as ints, rates as fractions 0..1 or None
when undefined (nothing to divide by), dates as ISO strings.

Definitions (DESIGN "Rules and KPIs"):

* **period** — ``week`` (Monday of as_of's ISO week to as_of), ``month`` or ``quarter`` (its first
  day to as_of). Win rate in a period = won / (won + lost) among projects closed in it; the close
  date is the stage's entry milestone, else ``closed``, else the History transition.
* **stage entries** ("events") come from milestone dates and History transitions; a project's
  first History transition also says it was in the ``from`` stage since its created date.
  Consecutive entries into the same stage collapse to the earliest.
* **reached** a funnel stage (open stages then won, in order): the furthest stage a project is in
  or has an entry for; a won project reached every stage; a lost/on-hold project with no entries
  counts as having reached the first stage. **conversion** k→k+1 = reached(k+1) / reached(k).
* **avg_days_in_stage** — mean days in stage of the projects currently in it;
  **avg_dwell_days** — mean length of completed stays (entry to next entry).
* **advance** — an entry into an open or won stage whose order is above the previous stage's (an
  open stage), or a first entry beyond the first stage; it earns the stage's ``points`` to the
  project's owner when dated in the period.
* **collections** — calendar month and quarter of as_of: planned = planned amounts whose planned
  date falls in it; collected = collected amounts whose actual date falls in it.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from ..issues import Issue
from ..pipeline.models import Pipeline
from .rules import lookup, milestone_entry

PERIODS = ("week", "month", "quarter")


def period_bounds(as_of: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar period containing as_of (end is the period's end)."""
    if period == "week":
        start = as_of - dt.timedelta(days=as_of.weekday())
        return start, start + dt.timedelta(days=6)
    if period == "month":
        start = as_of.replace(day=1)
    elif period == "quarter":
        start = as_of.replace(month=3 * ((as_of.month - 1) // 3) + 1, day=1)
    else:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    months = 1 if period == "month" else 3
    y, m = divmod(start.month - 1 + months, 12)
    return start, dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1)


def num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else round(x, 2)


def rate(a: float, b: float) -> float | None:
    return None if not b else round(float(a) / float(b), 4)


def _between(d: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    return (d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))


# -- stage entries -------------------------------------------------------------------------------
def stage_events(projects: pd.DataFrame, pipeline: Pipeline, transitions: pd.DataFrame) -> pd.DataFrame:
    """All known stage entries (id, stage, date, source), collapsed and ordered per project."""
    parts = []
    ids = projects["id"].astype(object)
    for s in pipeline.stages:
        cols = [c for c in s.entry if c in projects.columns]
        if not cols:
            continue
        d = projects[cols].apply(pd.to_datetime).bfill(axis=1).iloc[:, 0]
        ok = d.notna() & ids.notna()
        parts.append(pd.DataFrame({"id": ids[ok].astype(str), "stage": s.key, "date": d[ok],
                                   "source": "milestone"}))
    # won/lost: `closed` is the entry date of the current stage when nothing else is
    closed_kind = projects["stage"].map({s.key: s.kind for s in pipeline.stages})
    ok = closed_kind.isin(["won", "lost"]) & pd.to_datetime(projects["closed"]).notna() & ids.notna()
    parts.append(pd.DataFrame({"id": ids[ok].astype(str), "stage": projects.loc[ok, "stage"],
                               "date": pd.to_datetime(projects.loc[ok, "closed"]), "source": "closed"}))
    if len(transitions):
        t = transitions.loc[transitions["id"].notna() & transitions["date"].notna()]
        parts.append(pd.DataFrame({"id": t["id"].astype(str), "stage": t["to_stage"], "date": t["date"],
                                   "source": "history"}))
        first = t.sort_values("date", kind="stable").drop_duplicates("id")
        created = pd.to_datetime(projects["created"]).groupby(ids.astype(str)).min()
        cdate = lookup(first["id"].astype(str), created)
        ok = first["from_stage"].notna() & cdate.notna() & (cdate <= first["date"])
        parts.append(pd.DataFrame({"id": first.loc[ok, "id"].astype(str), "stage": first.loc[ok, "from_stage"],
                                   "date": cdate[ok], "source": "created"}))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
                             "date": pd.Series(dtype="datetime64[ns]"), "source": pd.Series(dtype=object)})
    ev = pd.concat(parts, ignore_index=True)
    ev["date"] = ev["date"].astype("datetime64[ns]")
    prio = ev["source"].map({"created": 0, "milestone": 1, "closed": 2, "history": 3})
    ev = ev.assign(_p=prio).sort_values(["id", "date", "_p"], kind="stable").drop(columns="_p")
    same = (ev["id"] == ev["id"].shift()) & (ev["stage"] == ev["stage"].shift())
    return ev.loc[~same].reset_index(drop=True)


def _advances(ev: pd.DataFrame, pipeline: Pipeline) -> pd.DataFrame:
    kind = {s.key: s.kind for s in pipeline.stages}
    order = {s.key: s.order for s in pipeline.stages}
    first_open = pipeline.open_stages[0].key
    prev = ev["stage"].shift().where(ev["id"] == ev["id"].shift())
    to_ok = ev["stage"].map(kind).isin(["open", "won"])
    up = (prev.map(kind) == "open") & (ev["stage"].map(order) > prev.map(order))
    first = prev.isna() & (ev["stage"] != first_open) & (ev["source"] != "created")
    return ev.loc[to_ok & (up | first)]


def _dwell(ev: pd.DataFrame) -> pd.DataFrame:
    nxt = ev["date"].shift(-1).where(ev["id"] == ev["id"].shift(-1))
    d = (nxt - ev["date"]).dt.days
    return pd.DataFrame({"stage": ev["stage"], "days": d}).loc[d.notna() & (d >= 0)]


# -- the KPI sections ------------------------------------------------------------------------
def compute_kpis(rules: pd.DataFrame, projects: pd.DataFrame, activities: pd.DataFrame,
                 payments: pd.DataFrame, pipeline: Pipeline, issues: list[Issue],
                 transitions: pd.DataFrame, as_of: dt.date, period: str, lang: str) -> dict[str, Any]:
    p_start, p_end = period_bounds(as_of, period)
    p_end = min(p_end, as_of)
    kinds = rules["stage_kind"]
    is_open, is_won, is_lost = kinds == "open", kinds == "won", kinds == "lost"
    ev = stage_events(projects.assign(stage=rules["stage"]), pipeline, transitions)

    # close date of won/lost rows: entry milestone or `closed`, else the History transition
    close_d = milestone_entry(projects.assign(stage=rules["stage"]), pipeline)
    if len(transitions):
        t = transitions.loc[transitions["date"].notna()]
        last_in = t.groupby(t["id"].astype(str) + "\x1f" + t["to_stage"].astype(str))["date"].max()
        close_d = close_d.fillna((rules["id"].astype(str) + "\x1f" + rules["stage"].astype(str))
                                 .pipe(lookup, last_in).astype("datetime64[ns]"))
    created = pd.to_datetime(projects["created"])
    cycle = (close_d - created).dt.days.where(is_won)
    cycle = cycle.where(cycle >= 0)
    in_p = _between(close_d, p_start, p_end)
    won_p, lost_p = is_won & in_p, is_lost & in_p

    adv = _advances(ev, pipeline)
    adv = adv.loc[_between(adv["date"], p_start, p_end)]
    pts = {s.key: s.points for s in pipeline.stages}
    first = rules.loc[rules["id"].notna()].drop_duplicates("id")
    owner_of = pd.Series(first["owner"].to_numpy(), index=first["id"].astype(str).to_numpy(), dtype=object)
    adv = adv.assign(points=adv["stage"].map(pts).astype("float64"), owner=lookup(adv["id"].astype(str), owner_of))

    act_d = pd.to_datetime(activities["date"])
    acts = activities.loc[_between(act_d, p_start, p_end)]
    id_owner = owner_of.to_dict()
    act_owner = acts["owner"].where(acts["owner"].notna(), acts["project_id"].astype(str).map(id_owner))

    totals = {
        "projects": int(len(rules)),
        "open_count": int(is_open.sum()),
        "open_amount": num(rules.loc[is_open, "amount"].sum()),
        "weighted_amount": num(rules.loc[is_open, "weighted_amount"].sum()),
        "won_count": int(is_won.sum()),
        "won_amount": num(rules.loc[is_won, "amount"].sum()),
        "lost_count": int(is_lost.sum()),
        "hold_count": int((kinds == "hold").sum()),
        "unknown_stage_count": int(rules["stage"].isna().sum()),
        "win_rate": rate(is_won.sum(), is_won.sum() + is_lost.sum()),
        "avg_cycle_days": num(cycle.mean()) if cycle.notna().any() else None,
        "red": int((rules["light"] == "red").sum()),
        "yellow": int((rules["light"] == "yellow").sum()),
        "green": int((rules["light"] == "green").sum()),
        "overdue_next_steps": int(rules["reason_codes"].map(lambda c: "next_step_overdue" in c).sum()),
        "open_without_amount": int((is_open & rules["amount"].isna()).sum()),
        "open_without_close": int((is_open & rules["expected_close"].isna()).sum()),
    }
    period_kpis = {
        "name": period, "start": p_start.isoformat(), "end": p_end.isoformat(),
        "new": int(_between(created, p_start, p_end).sum()),
        "won_count": int(won_p.sum()), "won_amount": num(rules.loc[won_p, "amount"].sum()),
        "lost_count": int(lost_p.sum()),
        "win_rate": rate(won_p.sum(), won_p.sum() + lost_p.sum()),
        "avg_cycle_days": num(cycle[won_p].mean()) if cycle[won_p].notna().any() else None,
        "follow_ups": int(len(acts)),
        "advances": int(len(adv)), "points": num(adv["points"].sum()),
    }
    return {
        "totals": totals, "period": period_kpis,
        "by_stage": _by_stage(rules, ev, pipeline, lang),
        "by_owner": _by_owner(rules, pipeline, adv, act_owner, won_p, lost_p),
        "forecast": _forecast(rules),
        "collections": _collections(payments, as_of),
        "issues": _issues(issues),
    }


def _by_stage(rules: pd.DataFrame, ev: pd.DataFrame, pipeline: Pipeline, lang: str) -> list[dict]:
    funnel = [s for s in pipeline.stages if s.kind in ("open", "won")]
    idx = {s.key: i for i, s in enumerate(funnel)}
    won_i = max((i for i, s in enumerate(funnel) if s.kind == "won"), default=len(funnel) - 1)
    cur_i = rules["stage"].map(idx).astype("float64")
    cur_i = cur_i.where(rules["stage_kind"] != "won", float(won_i))
    ids = rules["id"].astype(str)
    ev_max = ev.assign(i=ev["stage"].map(idx)).dropna(subset=["i"]).groupby("id")["i"].max()
    reach = pd.concat([cur_i, lookup(ids, ev_max).astype("float64")], axis=1).max(axis=1)
    # lost / on-hold with no recorded entry: at least the first stage; unknown stage: not counted
    reach = reach.fillna(pd.Series(0.0, index=rules.index).where(rules["stage"].notna()))
    reach = reach.groupby(ids.where(rules["id"].notna(), rules.index.astype(str))).max()
    reached = [int((reach >= i).sum()) for i in range(len(funnel))]
    dwell = _dwell(ev).groupby("stage")["days"].mean()
    out = []
    for s in pipeline.stages:
        m = rules["stage"] == s.key
        i = idx.get(s.key)
        conv = None
        if i is not None and i + 1 < len(funnel):
            conv = rate(reached[i + 1], reached[i])
        dis = rules.loc[m, "days_in_stage"]
        out.append({
            "stage": s.key, "name": s.name(lang), "kind": s.kind, "order": s.order,  # type: ignore[arg-type]
            "count": int(m.sum()), "amount": num(rules.loc[m, "amount"].sum()),
            "weighted_amount": num(rules.loc[m, "weighted_amount"].sum()),
            "avg_days_in_stage": num(dis.mean()) if dis.notna().any() else None,
            "avg_dwell_days": num(dwell.get(s.key)) if s.key in dwell.index else None,
            "reached": reached[i] if i is not None else None,
            "conversion": conv,
            "red": int((m & (rules["light"] == "red")).sum()),
            "yellow": int((m & (rules["light"] == "yellow")).sum()),
        })
    return out


def _by_owner(rules: pd.DataFrame, pipeline: Pipeline, adv: pd.DataFrame, act_owner: pd.Series,
              won_p: pd.Series, lost_p: pd.Series) -> list[dict]:
    names = [o.name for o in pipeline.owners]
    for v in rules["owner"].tolist() + act_owner.tolist():
        if v is not None and not (isinstance(v, float) and np.isnan(v)) and v not in names:
            names.append(v)
    teams = {o.name: o.team for o in pipeline.owners}
    k = rules["stage_kind"]
    out = []
    for name in names + ([None] if rules["owner"].isna().any() else []):
        m = rules["owner"].isna() if name is None else rules["owner"] == name
        won, lost = int((m & (k == "won")).sum()), int((m & (k == "lost")).sum())
        am = adv["owner"].isna() if name is None else adv["owner"] == name
        out.append({
            "owner": name, "team": teams.get(name) if name else None,
            "open_count": int((m & (k == "open")).sum()),
            "open_amount": num(rules.loc[m & (k == "open"), "amount"].sum()),
            "weighted_amount": num(rules.loc[m & (k == "open"), "weighted_amount"].sum()),
            "won_count": won, "won_amount": num(rules.loc[m & (k == "won"), "amount"].sum()),
            "lost_count": lost, "win_rate": rate(won, won + lost),
            "period_won_count": int((m & won_p).sum()), "period_lost_count": int((m & lost_p).sum()),
            "follow_ups": int((act_owner.isna() if name is None else act_owner == name).sum()),
            "red": int((m & (rules["light"] == "red")).sum()),
            "yellow": int((m & (rules["light"] == "yellow")).sum()),
            "advances": int(am.sum()), "points": num(adv.loc[am, "points"].sum()),
        })
    return out


def _forecast(rules: pd.DataFrame) -> list[dict]:
    f = rules.loc[(rules["stage_kind"] == "open") & rules["expected_close"].notna()]
    if f.empty:
        return []
    month = f["expected_close"].dt.strftime("%Y-%m")
    g = f.groupby(month).agg(count=("amount", "size"), amount=("amount", "sum"),
                             weighted_amount=("weighted_amount", "sum"))
    return [{"month": m, "count": int(r["count"]), "amount": num(r["amount"]),
             "weighted_amount": num(r["weighted_amount"])} for m, r in g.sort_index().iterrows()]


def _collections(pay: pd.DataFrame, as_of: dt.date) -> dict:
    out: dict[str, Any] = {}
    for name in ("month", "quarter"):
        s, e = period_bounds(as_of, name)
        planned = _between(pay["planned_date"], s, e)
        got = _between(pay["actual_date"], s, e) & pay["collected_amount"].notna()
        out[name] = {"start": s.isoformat(), "end": e.isoformat(),
                     "planned": num(pay.loc[planned, "planned_amount"].sum()),
                     "collected": num(pay.loc[got, "collected_amount"].sum()),
                     "rate": rate(pay.loc[got, "collected_amount"].sum(),
                                  pay.loc[planned, "planned_amount"].sum())}
    od = pay["status"] == "overdue"
    out.update({
        "overdue_amount": num(pay.loc[od, "outstanding"].sum()),
        "overdue_count": int(od.sum()),
        "max_overdue_days": int(pay.loc[od, "overdue_days"].max()) if od.any() else None,
        "due_amount": num(pay.loc[pay["status"] == "due", "outstanding"].sum()),
        "outstanding": num(pay["outstanding"].sum()),
        "collected_total": num(pay["collected_amount"].sum()),
    })
    return out


def _issues(issues: list[Issue]) -> dict:
    by_code: dict[str, int] = {}
    for i in issues:
        by_code[i.code] = by_code.get(i.code, 0) + 1
    return {"error": sum(1 for i in issues if i.severity == "error"),
            "warning": sum(1 for i in issues if i.severity == "warning"),
            "total": len(issues), "by_code": dict(sorted(by_code.items()))}
