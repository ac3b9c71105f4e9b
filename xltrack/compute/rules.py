"""Per-project rules: follow-ups, days in stage, weighted amount, and the light with its reasons.

Every rule is a vectorised pandas expression over the whole Projects table (no per-row Python
except formatting the text of reasons that actually fire); ``as_of`` is a parameter.

Thresholds: a threshold of N days is **reached at N** (``days >= N``). With the default
Negotiation thresholds (idle yellow 5, red 10) 4 idle days is green, 5 is yellow, 10 is red.
A blank threshold never raises the light. The full rule book with zh/en texts is
``docs/rules.md``; the reason texts live here as (zh, en) pairs.

Which rows get which rules:

* open stages: every rule below;
* won, lost, on hold: never stalled — the light is green and the only reason that may be written
  is an overdue collection (informational; it does not colour the row);
* blank/unknown stage: ``stage_unknown`` (yellow) plus the rules that do not need a stage
  (next step, expected close, collections).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..pipeline import layout
from ..pipeline.models import Pipeline

GREEN, YELLOW, RED = 0, 1, 2
LIGHTS = np.array(["green", "yellow", "red"], dtype=object)

# (zh, en) templates; fields: stage, n (days), th (threshold), line, label
TEXTS: dict[str, tuple[str, str]] = {
    # the stage is not named: the reasons sit next to the stage column everywhere they are shown
    "idle": ("{n} 天未跟进（{line} {th} 天）", "No follow-up for {n} ({line} {th} days)"),
    "no_follow_up": ("创建已 {n} 天仍无跟进记录（{line} {th} 天）",
                     "No follow-up in {n} since created ({line} {th} days)"),
    "no_follow_up_undated": ("创建日期未知且无跟进记录", "Age unknown: no created date, no follow-up"),
    "stage_days": ("本阶段已停留 {n} 天（{line} {th} 天）", "In this stage for {n} ({line} {th} days)"),
    "next_step_missing": ("缺少下一步计划", "No next step"),
    "next_step_overdue": ("下一步已逾期 {n} 天", "Next step overdue by {n}"),
    "close_past": ("预计成交日期已过 {n} 天", "Expected close date passed {n} ago"),
    "close_missing": ("缺少预计成交日期", "No expected close date"),
    "gate": ("缺少必填：{label}", "Missing required: {label}"),
    "payment_overdue": ("回款逾期 {n} 天", "Collection overdue by {n}"),
    "stage_unknown": ("阶段未知", "Stage unknown"),
    "stage_unknown_typed": ("阶段未知：{typed}", "Unknown stage: {typed}"),
}
LINE = {RED: ("红线", "red at"), YELLOW: ("黄线", "yellow at")}

# tie-break among reasons of the same level (most actionable first)
CODE_ORDER = ["payment_overdue", "next_step_overdue", "idle", "no_follow_up", "stage_days",
              "close_past", "gate", "next_step_missing", "close_missing", "stage_unknown"]
_ORDER = {c: i for i, c in enumerate(CODE_ORDER)}


def _days_text(lang: str, n: int) -> str:
    if lang == "zh":
        return str(n)
    return f"{n} day" if n == 1 else f"{n} days"


class _Reasons:
    """Collects fired reasons as arrays (position, level, code, text) and folds them per row."""

    def __init__(self, n: int, lang: str):
        self.n, self.lang = n, lang
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, mask: np.ndarray, code: str, level: np.ndarray | int, texts: list[str] | str) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        lv = np.asarray(level)[pos] if np.ndim(level) else np.full(len(pos), level)
        if isinstance(texts, str):
            text_arr = np.full(len(pos), texts, dtype=object)
        else:
            text_arr = np.empty(len(pos), dtype=object)
            text_arr[:] = texts
        self.parts.append((pos, lv.astype("int64"), np.full(len(pos), _ORDER[code]), text_arr))

    def template(self, code: str) -> str:
        zh, en = TEXTS[code]
        return zh if self.lang == "zh" else en

    def fold(self) -> tuple[np.ndarray, list[list[str]], list[list[str]]]:
        level = np.zeros(self.n, dtype="int64")
        reasons: list[list[str]] = [[] for _ in range(self.n)]
        codes: list[list[str]] = [[] for _ in range(self.n)]
        if not self.parts:
            return level, reasons, codes
        pos, lv, order, text = (np.concatenate(x) for x in zip(*self.parts))
        idx = np.lexsort((order, -lv, pos))  # by row, worst level first, then the code order
        pos, lv, order, text = pos[idx], lv[idx], order[idx], text[idx]
        np.maximum.at(level, pos, lv)
        for p, o, t in zip(pos.tolist(), order.tolist(), text.tolist()):
            reasons[p].append(t)
            codes[p].append(CODE_ORDER[o])
        return level, reasons, codes


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys.map(table)`` keeping ``table``'s dtype (pandas 3 fails on an empty datetime table)."""
    vals = table.reindex(keys.to_numpy()) if len(table) else pd.Series(
        [None] * len(keys), dtype=table.dtype if table.dtype.kind in "Mmf" else object)
    return pd.Series(vals.to_numpy(), index=keys.index)


def _blank(s: pd.Series, trimmed: bool = True) -> np.ndarray:
    """True where a cell is empty (None, NaN, NaT, "" or — for raw ``trimmed=False`` — spaces)."""
    if s.dtype != object and not pd.api.types.is_string_dtype(s):
        return s.isna().to_numpy()
    v = s.to_numpy(dtype=object)
    blank = pd.isna(v) | (v == "")
    if trimmed:  # normalized text columns are trimmed by the reader (xltrack/tables.py)
        return blank
    rest = np.flatnonzero(~blank)
    # normalized text is trimmed already; raw extra columns may hold spaces or numbers
    blank[rest] = [isinstance(x, str) and not x.strip() for x in v[rest]] if len(rest) < 200_000 else \
        (pd.Series(v[rest]).astype(str).str.strip() == "").to_numpy()
    return blank


def _field_label(key: str, lang: str) -> str:
    try:
        return layout().sheet("projects").column(key).label(lang)  # type: ignore[arg-type]
    except KeyError:
        return key  # an extra user column: its header as typed


def activity_stats(activities: pd.DataFrame, as_of: dt.date, ids: pd.Series) -> pd.DataFrame:
    """Per project row (same index as ``ids``): last activity date (not after as_of), follow-ups.

    Activities dated after ``as_of`` are plans, not follow-ups: they are ignored here (the
    validator reports them as ``future-date``). Undated activity rows still count as follow-ups.
    Activities are matched to the distinct project IDs with one hash lookup and aggregated with
    ``bincount`` / ``maximum.at`` — several times faster than a groupby on 500k string keys.
    """
    known = pd.Index(pd.unique(ids.dropna().to_numpy(dtype=object)))
    pos = known.get_indexer(activities["project_id"].to_numpy(dtype=object))
    d = pd.to_datetime(activities["date"]).to_numpy(dtype="datetime64[ns]")
    keep = (pos >= 0) & ~(d > np.datetime64(as_of, "ns"))
    pos = pos[keep]
    counts = np.bincount(pos, minlength=len(known))
    last = np.full(len(known), np.iinfo("int64").min, dtype="int64")  # = NaT, below every date
    np.maximum.at(last, pos, d[keep].view("int64"))
    row = known.get_indexer(ids.to_numpy(dtype=object))
    found = row >= 0
    last_act = np.full(len(ids), np.iinfo("int64").min, dtype="int64")
    last_act[found] = last[row[found]]
    n = np.zeros(len(ids), dtype="int64")
    n[found] = counts[row[found]]
    return pd.DataFrame({"last_activity": last_act.view("datetime64[ns]"), "follow_ups": n}, index=ids.index)


def milestone_entry(projects: pd.DataFrame, pipeline: Pipeline) -> pd.Series:
    """The first filled milestone of each row's stage ``entry`` list (won/lost: also ``closed``)."""
    stage = projects["stage"].to_numpy(dtype=object)
    out = np.full(len(projects), np.datetime64("NaT"), dtype="datetime64[ns]")
    for s in pipeline.stages:
        cols = [c for c in s.entry if c in projects.columns]
        if s.kind in ("won", "lost") and "closed" in projects.columns:
            cols.append("closed")
        if not cols:
            continue
        mask = stage == s.key
        for c in cols:  # the first filled one wins
            d = pd.to_datetime(projects[c]).to_numpy(dtype="datetime64[ns]")
            fill = mask & np.isnat(out) & ~np.isnat(d)
            out[fill] = d[fill]
    return pd.Series(out, index=projects.index)


def entered_stage(projects: pd.DataFrame, pipeline: Pipeline, transitions: pd.DataFrame,
                  as_of: dt.date, entry: pd.Series | None = None) -> pd.Series:
    """The date each project entered its current stage.

    The first filled milestone of the stage's ``entry`` list (for won/lost also ``closed``),
    else the latest History transition into the current stage, else the created date.
    """
    return entered_with_source(projects, pipeline, transitions, as_of, entry)[0]


def entered_with_source(projects: pd.DataFrame, pipeline: Pipeline, transitions: pd.DataFrame,
                        as_of: dt.date, entry: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """:func:`entered_stage` and where each date came from: milestone, history, created or None."""
    stage = projects["stage"]
    out = milestone_entry(projects, pipeline) if entry is None else entry.copy()
    src = pd.Series(np.where(out.notna(), "milestone", None), index=projects.index, dtype=object)
    if len(transitions):
        tr = transitions.loc[transitions["date"] <= pd.Timestamp(as_of)]
        tr = tr.sort_values("date", kind="stable").drop_duplicates(["id", "to_stage"], keep="last")
        last_in = pd.Series(tr["date"].to_numpy(), index=pd.MultiIndex.from_arrays(
            [tr["id"].to_numpy(dtype=object), tr["to_stage"].to_numpy(dtype=object)]))
        key = pd.MultiIndex.from_arrays([projects["id"].to_numpy(dtype=object), stage.to_numpy(dtype=object)])
        hist = pd.Series(last_in.reindex(key).to_numpy(dtype="datetime64[ns]"), index=projects.index)
        src = src.where(src.notna() | hist.isna(), "history")
        out = out.fillna(hist)
    created = pd.to_datetime(projects["created"])
    src = src.where(src.notna() | created.isna(), "created")
    return out.fillna(created).astype("datetime64[ns]"), src


def project_rules(projects: pd.DataFrame, activities: pd.DataFrame, pipeline: Pipeline,
                  as_of: dt.date, lang: str, *, transitions: pd.DataFrame | None = None,
                  payment_overdue: pd.Series | None = None, entry: pd.Series | None = None,
                  typed_stage: pd.Series | None = None) -> pd.DataFrame:
    """The per-project columns of :class:`xltrack.compute.results.Results` (same index).

    ``entry`` may pass in :func:`milestone_entry` when the caller has it already; ``typed_stage``
    what was typed in an unknown stage cell (:meth:`xltrack.tables.Tables.typed`), quoted in its
    reason.
    """
    n = len(projects)
    today = pd.Timestamp(as_of)
    stages = {s.key: s for s in pipeline.stages}
    stage = projects["stage"].where(projects["stage"].isin(list(stages)), None).astype(object)
    kind = stage.map({k: s.kind for k, s in stages.items()}).astype(object)
    is_open = (kind == "open").to_numpy()
    unknown = stage.isna().to_numpy()
    stage_name = stage.map({k: s.name(lang) for k, s in stages.items()}).astype(object)
    ids = projects["id"].astype(object).where(projects["id"].notna(), None)

    # follow-ups
    stats = activity_stats(activities, as_of, ids)
    last_act = stats["last_activity"]
    own = pd.to_datetime(projects["last_follow_up"]).where(lambda d: d <= today)
    last_fu = pd.concat([last_act, own], axis=1).max(axis=1).astype("datetime64[ns]")
    idle_days = (today - last_fu).dt.days.astype("float64")
    follow_ups = stats["follow_ups"]

    # stage entry and dwell (a future entry date counts as 0 days, not negative)
    tr = transitions if transitions is not None else pd.DataFrame(columns=["id", "to_stage", "date"])
    projects_s = projects.assign(stage=stage)
    entered, entered_from = entered_with_source(projects_s, pipeline, tr, as_of, entry)
    entered = entered.where(~unknown)  # no stage, no "days in stage"
    entered_from = entered_from.where(~unknown, None)
    days_in_stage = (today - entered).dt.days.astype("float64").clip(lower=0)

    # probability and weighted amount
    default_p = stage.map({k: s.probability for k, s in stages.items()}).astype("float64")
    prob = projects["probability"].astype("float64").fillna(default_p)
    amount = projects["amount"].astype("float64")
    amount = amount.where(~(amount < 0))  # flagged by the reader (negative-amount): out of every sum
    weighted = amount * prob

    R = _Reasons(n, lang)
    t = R.template

    def th_map(attr: str) -> np.ndarray:
        return stage.map({k: getattr(s, attr) for k, s in stages.items()}).astype("float64").to_numpy()

    def graded(days: np.ndarray, attr: str) -> tuple[np.ndarray, np.ndarray]:
        y, r = th_map(f"{attr}_yellow"), th_map(f"{attr}_red")
        with np.errstate(invalid="ignore"):
            lv = np.where(days >= r, RED, np.where(days >= y, YELLOW, GREEN))
        lv = np.where(np.isnan(days), GREEN, lv)
        th = np.where(lv == RED, r, y)
        return lv, th

    names = stage_name.to_numpy()

    def fmt(code: str, mask: np.ndarray, days: np.ndarray, lv: np.ndarray, th: np.ndarray) -> list[str]:
        # few distinct (stage, days, level) combinations: format each once
        tpl = t(code)
        li = 0 if lang == "zh" else 1
        pos = np.flatnonzero(mask)
        cache: dict[tuple, str] = {}
        out = []
        for key in zip(names[pos].tolist(), days[pos].astype("int64").tolist(), lv[pos].tolist(),
                       th[pos].astype("int64").tolist()):
            text = cache.get(key)
            if text is None:
                text = cache[key] = tpl.format(stage=key[0], n=_days_text(lang, key[1]),
                                               line=LINE[key[2]][li], th=key[3])
            out.append(text)
        return out

    # idle days (or days since created when never followed up)
    idle = idle_days.to_numpy()
    lv, th = graded(idle, "idle")
    m = is_open & (lv > GREEN)
    R.add(m, "idle", lv, fmt("idle", m, idle, lv, th))
    never = last_fu.isna().to_numpy()
    since_created = (today - pd.to_datetime(projects["created"])).dt.days.astype("float64").to_numpy()
    since_created = np.where(since_created < 0, 0, since_created)
    lv2, th2 = graded(np.where(never, since_created, np.nan), "idle")
    m = is_open & never & (lv2 > GREEN)
    R.add(m, "no_follow_up", lv2, fmt("no_follow_up", m, since_created, lv2, th2))
    # age unknown (no created date, never followed up) counts as bad as the idle threshold: the
    # red one where the stage has it (else yellow), so an undated project cannot stay safe forever
    m = is_open & never & np.isnan(since_created)
    r_th = th_map("idle_red")
    R.add(m, "no_follow_up", np.where(~np.isnan(r_th), RED, YELLOW), t("no_follow_up_undated"))

    # days in stage
    dis = days_in_stage.to_numpy()
    lv, th = graded(dis, "stage")
    m = is_open & (lv > GREEN)
    R.add(m, "stage_days", lv, fmt("stage_days", m, dis, lv, th))

    # stage-independent rules: open rows and rows whose stage is unknown
    live = is_open | unknown

    def gated(field: str) -> np.ndarray:  # the stage gate reports this field itself
        g = stage.map({k: field in s.required for k, s in stages.items()})
        return is_open & g.fillna(False).astype(bool).to_numpy()

    m = live & _blank(projects["next_step"]) & ~gated("next_step")
    R.add(m, "next_step_missing", YELLOW, t("next_step_missing"))
    due = pd.to_datetime(projects["next_step_due"])
    late = (today - due).dt.days.astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        m = live & (late > 0)
    R.add(m, "next_step_overdue", RED,
          [t("next_step_overdue").format(n=_days_text(lang, int(late[p]))) for p in np.flatnonzero(m)])
    close = pd.to_datetime(projects["expected_close"])
    past = (today - close).dt.days.astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        m = live & (past > 0)
    R.add(m, "close_past", YELLOW,
          [t("close_past").format(n=_days_text(lang, int(past[p]))) for p in np.flatnonzero(m)])
    m = live & close.isna().to_numpy() & ~gated("expected_close")
    R.add(m, "close_missing", YELLOW, t("close_missing"))
    typed = typed_stage.to_numpy(dtype=object) if typed_stage is not None else np.full(n, None, dtype=object)
    R.add(unknown, "stage_unknown", YELLOW,
          [t("stage_unknown_typed").format(typed=typed[p]) if typed[p] is not None else t("stage_unknown")
           for p in np.flatnonzero(unknown)])

    # stage gates: a field the stage requires is empty
    canonical = {c.key for c in layout().sheet("projects").columns}
    for s in pipeline.open_stages:
        in_s = (stage == s.key).to_numpy()
        if not in_s.any():
            continue
        for f in s.required:
            empty = _blank(projects[f], trimmed=f in canonical) if f in projects.columns else np.ones(n, dtype=bool)
            m = in_s & empty
            R.add(m, "gate", YELLOW, t("gate").format(label=_field_label(f, lang)))

    # overdue collections raise the light on every row: they are not a stall (a won deal is
    # exactly where an installment falls late), so closed rows keep this one reason and its red
    pay_late = np.zeros(n, dtype=bool)
    if payment_overdue is not None and len(payment_overdue):
        od = lookup(ids, payment_overdue).astype("float64").to_numpy()
        pay_late = ~np.isnan(od) & ids.notna().to_numpy()
        texts = [t("payment_overdue").format(n=_days_text(lang, int(od[p]))) for p in np.flatnonzero(pay_late)]
        R.add(pay_late, "payment_overdue", RED, texts)

    level, reasons, codes = R.fold()
    level = np.where(live, level, np.where(pay_late, RED, GREEN))
    sep = "；" if lang == "zh" else "; "
    return pd.DataFrame({
        "id": ids,
        "_row": projects["_row"],
        "stage": stage,
        "stage_kind": kind,
        "stage_name": stage_name,
        "owner": projects["owner"].astype(object),
        "customer": projects["customer"].astype(object),
        "project": projects["project"].astype(object),
        "amount": amount,
        "expected_close": close,
        "light": LIGHTS[level],
        "reasons": reasons,
        "reason_text": [sep.join(r) for r in reasons],
        "reason_codes": codes,
        "entered_stage": entered,
        "entered_from": entered_from,
        "days_in_stage": days_in_stage,
        "last_follow_up": last_fu,
        "idle_days": idle_days,
        "follow_ups": follow_ups,
        "probability_used": prob,
        "weighted_amount": weighted,
        "next_step_overdue_days": pd.Series(np.where(live & (late > 0), late, np.nan), index=projects.index),
    }, index=projects.index)
