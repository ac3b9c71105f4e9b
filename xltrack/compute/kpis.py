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
* **advance** — the first entry of a project into an open or won stage whose order is above the
  previous stage's (an open stage), or a first entry beyond the first stage; it earns the stage's
  ``points`` to the project's owner when dated in the period. Entering a stage again after moving
  back scores nothing; **moves_back** counts entries into a lower open stage in the period.
* a milestone date counts a project as having reached a stage only where its current stage or
  its History agrees (see :func:`xltrack.compute.events.stage_events`).
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
from .events import advances, dwell, moves_back, project_keys, stage_events
from .rules import lookup

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


# -- the KPI sections ------------------------------------------------------------------------
def compute_kpis(rules: pd.DataFrame, projects: pd.DataFrame, activities: pd.DataFrame,
                 payments: pd.DataFrame, pipeline: Pipeline, issues: list[Issue],
                 transitions: pd.DataFrame, as_of: dt.date, period: str, lang: str,
                 events: tuple[pd.DataFrame, pd.Index, np.ndarray] | None = None) -> dict[str, Any]:
    """The KPI sections; ``events`` may pass in (stage_events, known IDs, row keys) already made."""
    p_start, p_end = period_bounds(as_of, period)
    p_end = min(p_end, as_of)
    kinds = rules["stage_kind"]
    is_open, is_won, is_lost = kinds == "open", kinds == "won", kinds == "lost"
    if events is None:
        known, rowk = project_keys(projects)
        ev = stage_events(projects.assign(stage=rules["stage"]), pipeline, transitions, known, rowk)
    else:
        ev, known, rowk = events

    # close date of won/lost rows: when they entered the stage, unless only `created` says so
    close_d = rules["entered_stage"].where(rules["entered_from"] != "created")
    created = pd.to_datetime(projects["created"])
    cycle = (close_d - created).dt.days.where(is_won)
    cycle = cycle.where(cycle >= 0)
    in_p = _between(close_d, p_start, p_end)
    won_p, lost_p = is_won & in_p, is_lost & in_p

    adv = advances(ev, pipeline)
    adv = adv.loc[_between(adv["date"], p_start, p_end)]
    pts = {s.key: s.points for s in pipeline.stages}
    owner_k = np.full(len(known), None, dtype=object)
    has = rowk >= 0
    owner_k[rowk[has][::-1]] = rules["owner"].to_numpy(dtype=object)[has][::-1]  # first row of an ID wins
    owner_of = pd.Series(owner_k, index=known, dtype=object)
    adv = adv.assign(points=adv["stage"].map(pts).astype("float64"), owner=owner_k[adv["k"].to_numpy()])
    back = moves_back(ev, pipeline)
    back = back.loc[_between(back["date"], p_start, p_end)]
    back = back.assign(owner=owner_k[back["k"].to_numpy()])

    act_d = pd.to_datetime(activities["date"])
    acts = activities.loc[_between(act_d, p_start, p_end)]
    act_owner = acts["owner"].where(acts["owner"].notna(), lookup(acts["project_id"].astype(object), owner_of))

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
        "overdue_next_steps": int(rules["next_step_overdue_days"].notna().sum()),  # open or unknown stage
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
        "moves_back": int(len(back)),
    }
    return {
        "totals": totals, "period": period_kpis,
        "by_stage": _by_stage(rules, ev, pipeline, lang, rowk, len(known)),
        "by_owner": _by_owner(rules, pipeline, adv, back, act_owner, won_p, lost_p),
        "forecast": _forecast(rules),
        "collections": _collections(payments, as_of),
        "issues": _issues(issues),
    }


def _by_stage(rules: pd.DataFrame, ev: pd.DataFrame, pipeline: Pipeline, lang: str,
              rowk: np.ndarray, nk: int) -> list[dict]:
    funnel = [s for s in pipeline.stages if s.kind in ("open", "won")]
    idx = {s.key: i for i, s in enumerate(funnel)}
    won_i = max((i for i, s in enumerate(funnel) if s.kind == "won"), default=len(funnel) - 1)
    # furthest funnel position per row: current stage (won = the end) or any recorded entry
    cur = rules["stage"].map(idx).to_numpy(dtype="float64", copy=True)
    cur[(rules["stage_kind"] == "won").to_numpy()] = won_i
    cur = np.nan_to_num(cur, nan=-1.0)
    f_of_s = np.array([idx.get(st.key, -1) for st in pipeline.stages], dtype="float64")
    ev_best = np.full(nk, -1.0)
    if len(ev):
        e = f_of_s[ev["s"].to_numpy()]
        np.maximum.at(ev_best, ev["k"].to_numpy(), e)
    has = rowk >= 0
    reach = cur.copy()
    reach[has] = np.maximum(reach[has], ev_best[rowk[has]])
    # lost / on-hold with no recorded entry: at least the first stage; unknown stage: not counted
    reach[(reach < 0) & rules["stage"].notna().to_numpy()] = 0.0
    per_k = np.full(nk, -1.0)
    np.maximum.at(per_k, rowk[has], reach[has])  # a duplicated ID counts once
    values = np.concatenate([per_k, reach[~has]])
    reached = [int((values >= i).sum()) for i in range(len(funnel))]
    stay = dwell(ev).groupby("stage")["days"].mean()
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
            "avg_dwell_days": num(stay.get(s.key)) if s.key in stay.index else None,
            "reached": reached[i] if i is not None else None,
            "conversion": conv,
            "red": int((m & (rules["light"] == "red")).sum()),
            "yellow": int((m & (rules["light"] == "yellow")).sum()),
        })
    return out


def _by_owner(rules: pd.DataFrame, pipeline: Pipeline, adv: pd.DataFrame, back: pd.DataFrame,
              act_owner: pd.Series, won_p: pd.Series, lost_p: pd.Series) -> list[dict]:
    none = "\x1f(no owner)\x1f"  # stands for a blank owner while grouping
    k, light, amount = rules["stage_kind"], rules["light"], rules["amount"]
    is_open, is_won = k == "open", k == "won"
    df = pd.DataFrame({
        "owner": rules["owner"].astype(object).where(rules["owner"].notna(), none).to_numpy(),
        "open_count": is_open.to_numpy(), "open_amount": amount.where(is_open).to_numpy(),
        "weighted_amount": rules["weighted_amount"].where(is_open).to_numpy(),
        "won_count": is_won.to_numpy(), "won_amount": amount.where(is_won).to_numpy(),
        "lost_count": (k == "lost").to_numpy(), "period_won_count": won_p.to_numpy(),
        "period_lost_count": lost_p.to_numpy(), "red": (light == "red").to_numpy(),
        "yellow": (light == "yellow").to_numpy()})
    g = df.groupby("owner", sort=False).sum()
    fu = act_owner.astype(object).where(act_owner.notna(), none).value_counts()
    ag = adv.assign(owner=adv["owner"].astype(object).where(adv["owner"].notna(), none))
    ag = ag.groupby("owner", sort=False)["points"].agg(["size", "sum"])
    bk = back["owner"].astype(object).where(back["owner"].notna(), none).value_counts()
    names = [o.name for o in pipeline.owners]
    seen = set(names)
    typed = pd.unique(pd.concat([rules["owner"].dropna(), act_owner.dropna()]).astype(object))
    if names:  # Config lists the owners: anyone else is a typo or a stranger, grouped as one row
        unknown = [v for v in typed if v not in seen]
    else:      # no owner list: every name typed is an owner
        unknown = []
        for v in typed:
            if v not in seen:
                names.append(v)
                seen.add(v)
    if unknown:
        df["owner"] = df["owner"].where(~df["owner"].isin(unknown), none)
        g = df.groupby("owner", sort=False).sum()
        fu = fu.rename(lambda v: none if v in unknown else v).groupby(level=0).sum()
        ag = ag.rename(lambda v: none if v in unknown else v).groupby(level=0).sum()
        bk = bk.rename(lambda v: none if v in unknown else v).groupby(level=0).sum()
    teams = {o.name: o.team for o in pipeline.owners}
    out = []
    rest = rules["owner"].isna().any() or bool(unknown)
    for name in names + ([None] if rest else []):
        key = none if name is None else name
        row = g.loc[key] if key in g.index else None

        def get(col: str) -> float:
            return 0 if row is None else row[col]

        won, lost = int(get("won_count")), int(get("lost_count"))
        out.append({
            "owner": name, "team": teams.get(name) if name else None,
            "open_count": int(get("open_count")), "open_amount": num(get("open_amount")),
            "weighted_amount": num(get("weighted_amount")),
            "won_count": won, "won_amount": num(get("won_amount")),
            "lost_count": lost, "win_rate": rate(won, won + lost),
            "period_won_count": int(get("period_won_count")),
            "period_lost_count": int(get("period_lost_count")),
            "follow_ups": int(fu.get(key, 0)),
            "red": int(get("red")), "yellow": int(get("yellow")),
            "advances": int(ag["size"].get(key, 0)), "points": num(ag["sum"].get(key, 0.0)),
            "moves_back": int(bk.get(key, 0)),
        })
        if name is None:  # blank owners and names not on Config's owner list (see the Issues)
            out[-1].update({"unidentified": True, "names": [str(v) for v in unknown]})
    return out


def _forecast(rules: pd.DataFrame) -> list[dict]:
    f = rules.loc[(rules["stage_kind"] == "open") & rules["expected_close"].notna()]
    if f.empty:
        return []
    d = f["expected_close"].dt
    month = d.year * 100 + d.month  # grouping on ints, formatted once per month below
    g = f.groupby(month).agg(count=("amount", "size"), amount=("amount", "sum"),
                             weighted_amount=("weighted_amount", "sum"))
    return [{"month": f"{m // 100:04d}-{m % 100:02d}", "count": int(r["count"]), "amount": num(r["amount"]),
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
