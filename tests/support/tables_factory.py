"""Build :class:`xltrack.tables.Tables` by hand from small dict rows, with the contract's dtypes.

Tests of the rules and KPIs use this instead of a workbook: every column the layout defines for
a user sheet is present (missing → NaT/NaN/None), dates become ``datetime64[ns]``, money/percent/int
become ``float64``, everything else is ``object`` holding ``str`` or ``None`` (see xltrack/tables.py).
Extra keys in a row dict become extra user columns, kept raw.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from xltrack.issues import Issue
from xltrack.pipeline import default_pipeline, layout
from xltrack.pipeline.models import Pipeline
from xltrack.tables import SheetInfo, Tables

_NUMERIC = {"money", "percent", "int"}


def frame(sheet_key: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame for a user sheet with every canonical column and ``_row`` (header on row 1)."""
    sheet = layout().sheet(sheet_key)
    cols = sheet.user_columns
    keys = [c.key for c in cols]
    extras: list[str] = []
    for r in rows:
        for k in r:
            if k not in keys and k != "_row" and k not in extras:
                extras.append(k)
    data: dict[str, Any] = {}
    for c in cols:
        vals = [r.get(c.key) for r in rows]
        if c.type == "date":
            data[c.key] = pd.Series(pd.to_datetime([_date(v) for v in vals]), dtype="datetime64[ns]")
        elif c.type in _NUMERIC:
            data[c.key] = pd.Series([float("nan") if v is None else float(v) for v in vals],
                                    dtype="float64")
        else:
            data[c.key] = pd.Series(vals, dtype=object)
    data["_row"] = pd.Series([r.get("_row", i + 2) for i, r in enumerate(rows)], dtype="int64")
    for e in extras:
        data[e] = pd.Series([r.get(e) for r in rows], dtype=object)
    df = pd.DataFrame(data)
    if not rows:
        df = df.iloc[0:0]
    return df


def _date(v: Any) -> Any:
    if v is None:
        return pd.NaT
    if isinstance(v, str):
        return pd.Timestamp(dt.date.fromisoformat(v))
    return pd.Timestamp(v)


def make_tables(projects: list[dict[str, Any]] | None = None,
                activities: list[dict[str, Any]] | None = None,
                payments: list[dict[str, Any]] | None = None, *,
                lang: str = "zh", pipeline: Pipeline | None = None,
                history_rows: list[list[Any]] | None = None,
                issues: list[Issue] | None = None) -> Tables:
    p = frame("projects", projects or [])
    a = frame("activities", activities or [])
    pay = frame("payments", payments or [])
    sheets = {}
    for key, df in (("projects", p), ("activities", a), ("payments", pay)):
        sh = layout().sheet(key)
        cols = {c.key: i + 1 for i, c in enumerate(sh.user_columns)}
        sheets[key] = SheetInfo(key=key, name=sh.name(lang), header_row=1, columns=cols, extras={},
                                last_row=1 + len(df), last_col=len(cols))
    return Tables(lang=lang, pipeline=pipeline or default_pipeline(), projects=p, activities=a,
                  payments=pay, issues=list(issues or []), sheets=sheets,
                  history_rows=list(history_rows or []))
