"""Is the as-of date anywhere near the data? One check, said once at the top of every output.

A workbook whose newest date is years before ``as_of`` turns every open project red; an ``as_of``
years before the data makes thousands of "future date" warnings. Neither is wrong data, it is the
wrong date: the report says so once, with the newest date found, instead of letting the lights
speak for it.

The dates looked at are facts (things that happened): created, closed, last follow-up and
milestone dates of Projects, Activities dates and actual payment dates — not expected close or
planned dates, which are meant to lie ahead.

* ``stale`` — the newest fact is more than :data:`STALE_DAYS` days before ``as_of``;
* ``ahead`` — more than half of the dated facts lie after ``as_of``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..tables import Tables

STALE_DAYS = 180
MILESTONES = ("intent_confirmed", "requirements_clarified", "proposal_submitted", "negotiation_started",
              "contract_signed", "delivery_accepted", "payment_completed")
FACTS = {"projects": ("created", "closed", "last_follow_up", *MILESTONES), "activities": ("date",),
         "payments": ("actual_date",)}


def check(tables: Tables, as_of: dt.date) -> dict[str, Any]:
    """``{"newest": ISO date or None, "days": as_of − newest, "after_as_of": share of facts after
    as_of, "warning": None | "stale" | "ahead"}``."""
    parts = []
    for sheet, cols in FACTS.items():
        df = getattr(tables, sheet)
        for c in cols:
            if c in df.columns:
                parts.append(pd.to_datetime(df[c]).to_numpy(dtype="datetime64[ns]"))
    d = np.concatenate(parts) if parts else np.empty(0, dtype="datetime64[ns]")
    d = d[~np.isnat(d)]
    if not len(d):
        return {"newest": None, "days": None, "after_as_of": None, "warning": None}
    today = np.datetime64(as_of, "ns")
    newest = pd.Timestamp(d.max()).date()
    days = (as_of - newest).days
    after = float((d > today).mean())
    warning = "stale" if days > STALE_DAYS else ("ahead" if after > 0.5 else None)
    return {"newest": newest.isoformat(), "days": days, "after_as_of": round(after, 4), "warning": warning}


TEXT = {
    "stale": ("注意：截至日期 {as_of} 远晚于数据——数据中最新的日期是 {newest}（早 {days} 天），"
              "状态灯会因此大多变红。请确认 --as-of 或数据是否正确。",
              "Note: the as-of date {as_of} is far after the data — the newest date found is {newest} "
              "({days} days earlier), so most lights turn red. Check --as-of or the data."),
    "ahead": ("注意：截至日期 {as_of} 早于大部分数据——数据中最新的日期是 {newest}，"
              "许多日期会被报告为“在今天之后”。请确认 --as-of 是否正确。",
              "Note: the as-of date {as_of} is before most of the data — the newest date found is "
              "{newest}, so many dates are reported as in the future. Check --as-of."),
}


def message(info: dict[str, Any] | None, as_of: str, lang: str) -> str | None:
    """The one-line warning in ``lang`` (None when the as-of date fits the data)."""
    if not info or not info.get("warning"):
        return None
    zh, en = TEXT[info["warning"]]
    return (zh if lang == "zh" else en).format(as_of=as_of, newest=info["newest"], days=abs(info["days"]))
