"""What the morning email says, as plain data: KPI tiles, the red list, changes, collections, issues.

Built from the normalized :class:`~xltrack.tables.Tables` (names, dates, amounts as typed) and the
:class:`~xltrack.compute.results.Results` of the same refresh (lights, reasons, statuses, changes).
The tiles are counted from the per-project frame rather than read from ``Results.kpis`` so that
the team digest and each owner's digest come from one code path and always agree with the red
list below them. Rendering (HTML, text, subject) is :mod:`xltrack.nightly.render`'s job.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..compute.results import Results
from ..compute.risk import risk_order
from ..tables import Tables

MAX_RED = 50          # longer red lists are cut with "… and N more (see the Risk list sheet)"
MAX_CHANGES = 30
MAX_COLLECTIONS = 30


@dataclass(slots=True)
class RedItem:
    id: str
    customer: str
    project: str
    owner: str
    stage: str
    amount: float | None
    reasons: list[str]


@dataclass(slots=True)
class ChangeItem:
    id: str
    customer: str
    project: str
    owner: str
    change: str          # language-free code: new, advanced, won, …
    text: str            # in the workbook's language
    from_value: Any = None   # stage name, "YYYY-MM-DD", amount (float) or light code
    to_value: Any = None


@dataclass(slots=True)
class CollectionItem:
    project_id: str
    customer: str
    project: str
    owner: str
    installment: str
    planned_date: dt.date | None
    outstanding: float | None
    status: str
    status_text: str
    overdue_days: int | None


@dataclass(slots=True)
class Digest:
    lang: str
    team: str
    as_of: dt.date
    currency: str
    owner: str | None                      # None: the whole team
    open_count: int
    open_amount: float
    weighted_amount: float
    red_count: int
    yellow_count: int
    won_this_week: int
    overdue_amount: float
    red: list[RedItem] = field(default_factory=list)
    changes: list[ChangeItem] = field(default_factory=list)
    change_counts: dict[str, int] = field(default_factory=dict)
    collections: list[CollectionItem] = field(default_factory=list)
    collections_due: float = 0.0
    issue_errors: int = 0
    issue_warnings: int = 0
    attachment: str | None = None          # file name of the attached workbook, if any
    attachment_note: str = ""              # why the workbook is not attached, in the digest's language

    @property
    def week_end(self) -> dt.date:
        return week_end(self.as_of)


def week_end(as_of: dt.date) -> dt.date:
    """The Sunday of the as-of date's ISO week: "this week" in the collections list."""
    return as_of + dt.timedelta(days=6 - as_of.weekday())


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return ""
    return str(v).strip()


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _date(v: Any) -> dt.date | None:
    if v is None or v is pd.NaT:
        return None
    try:
        ts = pd.Timestamp(v)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(ts) else ts.date()


def _value(v: Any) -> Any:
    """A change's from/to value as plain data: float, ISO date text, or trimmed text (None if blank)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (dt.date, pd.Timestamp)):
        d = _date(v)
        return d.isoformat() if d else None
    return _text(v) or None


def _col(df: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index, dtype=object)


def _stage_name(tables: Tables, key: Any) -> str:
    if not key:
        return ""
    try:
        return tables.pipeline.stage(str(key)).name(tables.lang)
    except KeyError:
        return str(key)


def build_digest(tables: Tables, results: Results, *, team: str | None = None,
                 owner: str | None = None) -> Digest:
    """The digest of the whole team, or of one ``owner`` (their projects only)."""
    lang = results.lang or tables.lang
    res = results.projects
    proj = tables.projects
    names = pd.DataFrame({
        "customer": _col(proj, "customer").reindex(res.index),
        "project": _col(proj, "project").reindex(res.index),
    }, index=res.index)
    owners = _col(res, "owner").map(_text)
    mine = owners == owner if owner is not None else pd.Series(True, index=res.index)
    kind = _col(res, "stage_kind").map(_text)
    light = _col(res, "light").map(_text)
    amount = pd.to_numeric(_col(res, "amount"), errors="coerce")
    weighted = pd.to_numeric(_col(res, "weighted_amount"), errors="coerce")
    is_open = mine & (kind == "open")

    # the one risk order (worst first), as on the Risk list sheet and in the report
    red_rows = res.loc[risk_order(res.loc[mine & (light == "red")])]
    red = [RedItem(id=_text(r.get("id")), customer=_text(names.at[i, "customer"]),
                   project=_text(names.at[i, "project"]), owner=_text(r.get("owner")),
                   stage=_stage_name(tables, r.get("stage")), amount=_num(r.get("amount")),
                   reasons=[_text(x) for x in (r.get("reasons") or []) if _text(x)])
           for i, r in red_rows.iterrows()]

    changes, counts = _changes(results, owner)
    collections = _collections(tables, results, owner)
    overdue = sum(c.outstanding or 0.0 for c in collections if c.status == "overdue")
    errors, warnings = _issue_counts(tables, results, res[mine] if owner is not None else None)
    return Digest(
        lang=lang, team=team if team is not None else (tables.pipeline.team or ""),
        as_of=results.as_of, currency=results.currency or tables.pipeline.currency,
        owner=owner,
        open_count=int(is_open.sum()), open_amount=float(amount[is_open].sum()),
        weighted_amount=float(weighted[is_open].sum()),
        red_count=len(red), yellow_count=int((mine & (light == "yellow")).sum()),
        won_this_week=counts.get("won", 0), overdue_amount=float(overdue),
        red=red, changes=changes[:MAX_CHANGES], change_counts=counts,
        collections=collections[:MAX_COLLECTIONS],
        collections_due=float(sum(c.outstanding or 0.0 for c in collections)),
        issue_errors=errors, issue_warnings=warnings)


def _changes(results: Results, owner: str | None) -> tuple[list[ChangeItem], dict[str, int]]:
    ch = results.changes
    if ch is None or ch.empty:
        return [], {}
    items: list[ChangeItem] = []
    counts: dict[str, int] = {}
    for _, r in ch.iterrows():
        if owner is not None and _text(r.get("owner")) != owner:
            continue
        code = _text(r.get("change"))
        counts[code] = counts.get(code, 0) + 1
        items.append(ChangeItem(id=_text(r.get("id")), customer=_text(r.get("customer")),
                                project=_text(r.get("project")), owner=_text(r.get("owner")),
                                change=code, text=_text(r.get("change_text")) or code,
                                from_value=_value(r.get("from_value")), to_value=_value(r.get("to_value"))))
    return items, counts


def _collections(tables: Tables, results: Results, owner: str | None) -> list[CollectionItem]:
    """Installments not yet collected whose planned date is on or before this Sunday."""
    pay, st = tables.payments, results.payments
    if pay is None or pay.empty:
        return []
    by_id = {}
    proj = tables.projects
    for i, r in proj.iterrows():
        pid = _text(r.get("id"))
        if pid and pid not in by_id:
            by_id[pid] = (_text(r.get("customer")), _text(r.get("project")), _text(r.get("owner")))
    end = week_end(results.as_of)
    out: list[CollectionItem] = []
    for i, r in pay.iterrows():
        s = st.loc[i] if st is not None and i in st.index else pd.Series(dtype=object)
        status = _text(s.get("status"))
        if status == "collected":
            continue
        planned = _date(r.get("planned_date"))
        if planned is None or planned > end:
            continue
        pid = _text(r.get("project_id"))
        customer, project, who = by_id.get(pid, ("", "", ""))
        if owner is not None and who != owner:
            continue
        outstanding = _num(s.get("outstanding"))  # None when the planned amount is unknown or flagged
        if outstanding is not None and outstanding <= 0:
            continue
        od = _num(s.get("overdue_days"))
        out.append(CollectionItem(
            project_id=pid, customer=customer, project=project, owner=who,
            installment=_text(r.get("installment")), planned_date=planned, outstanding=outstanding,
            status=status or ("overdue" if planned < results.as_of else "due"),
            status_text=_text(s.get("status_text")), overdue_days=int(od) if od else None))
    out.sort(key=lambda c: (c.planned_date or dt.date.min, c.project_id))
    return out


def _issue_counts(tables: Tables, results: Results, rows: pd.DataFrame | None) -> tuple[int, int]:
    """Team: the KPI contract's ``issues`` counts (else the tables' list).

    Owner: the issues located on the Projects rows of their projects."""
    if rows is None:
        iss = (results.kpis or {}).get("issues")
        if isinstance(iss, dict) and ("error" in iss or "errors" in iss):
            return (int(iss.get("error", iss.get("errors", 0)) or 0),
                    int(iss.get("warning", iss.get("warnings", 0)) or 0))
        return tables.error_count, tables.warning_count
    info = tables.sheets.get("projects")
    sheet = info.name if info is not None else None
    excel_rows = set(int(x) for x in pd.to_numeric(_col(rows, "_row"), errors="coerce").dropna())
    mine = [i for i in tables.issues if i.sheet == sheet and i.row in excel_rows]
    return (sum(1 for i in mine if i.severity == "error"),
            sum(1 for i in mine if i.severity == "warning"))
