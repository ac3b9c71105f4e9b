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
    "idle": ("{stage} {n} 天未跟进（{line} {th} 天）", "{stage}: no follow-up for {n} ({line} {th})"),
    "no_follow_up": ("{stage} 创建 {n} 天无跟进记录（{line} {th} 天）",
                     "{stage}: no follow-up in {n} since created ({line} {th})"),
    "no_follow_up_undated": ("无跟进记录", "No follow-up recorded"),
    "stage_days": ("{stage} 已停留 {n} 天（{line} {th} 天）", "{stage}: {n} in stage ({line} {th})"),
    "next_step_missing": ("缺少下一步计划", "No next step"),
    "next_step_overdue": ("下一步已逾期 {n} 天", "Next step overdue by {n}"),
    "close_past": ("预计成交日期已过", "Expected close date has passed"),
    "close_missing": ("缺少预计成交日期", "No expected close date"),
    "gate": ("缺少必填：{label}", "Missing required: {label}"),
    "payment_overdue": ("回款逾期 {n} 天", "Collection overdue by {n}"),
    "stage_unknown": ("阶段未知", "Stage unknown"),
}
LINE = {RED: ("红线", "red line"), YELLOW: ("黄线", "yellow line")}

# tie-break among reasons of the same level (most actionable first)
CODE_ORDER = ["payment_overdue", "next_step_overdue", "idle", "no_follow_up", "stage_days",
              "close_past", "gate", "next_step_missing", "close_missing", "stage_unknown"]
_ORDER = {c: i for i, c in enumerate(CODE_ORDER)}


def _days_text(lang: str, n: int) -> str:
    if lang == "zh":
        return str(n)
    return f"{n} day" if n == 1 else f"{n} days"


class _Reasons:
    """Collects fired reasons as columns (position, level, code, text) and folds them per row."""

    def __init__(self, n: int, lang: str):
        self.n, self.lang = n, lang
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, code: str, level: np.ndarray | int, texts: list[str] | str,
            text_code: str | None = None) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        lv = np.broadcast_to(np.asarray(level), (self.n,))[pos] if np.ndim(level) else \
            np.full(len(pos), level)
        if isinstance(texts, str):
            texts = [texts] * len(pos)
        self.parts.append(pd.DataFrame({"pos": pos, "level": lv.astype("int64"),
                                        "order": _ORDER[code], "code": code, "text": texts}))

    def template(self, code: str) -> str:
        zh, en = TEXTS[code]
        return zh if self.lang == "zh" else en

    def fold(self) -> tuple[np.ndarray, list[list[str]], list[list[str]]]:
        level = np.zeros(self.n, dtype="int64")
        reasons: list[list[str]] = [[] for _ in range(self.n)]
        codes: list[list[str]] = [[] for _ in range(self.n)]
        if not self.parts:
            return level, reasons, codes
        df = pd.concat(self.parts, ignore_index=True)
        df = df.sort_values(["pos", "level", "order"], ascending=[True, False, True], kind="stable")
        pos = df["pos"].to_numpy()
        np.maximum.at(level, pos, df["level"].to_numpy())
        for p, code, text in zip(pos.tolist(), df["code"].tolist(), df["text"].tolist()):
            reasons[p].append(text)
            codes[p].append(code)
        return level, reasons, codes


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys.map(table)`` keeping ``table``'s dtype (pandas 3 fails on an empty datetime table)."""
    vals = table.reindex(keys.to_numpy()) if len(table) else pd.Series(
        [None] * len(keys), dtype=table.dtype if table.dtype.kind in "Mmf" else object)
    return pd.Series(vals.to_numpy(), index=keys.index)


def _blank(s: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, NaN, NaT or only spaces)."""
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return (s.isna() | (s.astype(str).str.strip() == "")).to_numpy()
    return s.isna().to_numpy()


def _field_label(key: str, lang: str) -> str:
    try:
        return layout().sheet("projects").column(key).label(lang)  # type: ignore[arg-type]
    except KeyError:
        return key  # an extra user column: its header as typed


def activity_stats(activities: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per project ID: last activity date (not after as_of) and follow-up count.

    Activities dated after ``as_of`` are plans, not follow-ups: they are ignored here (the
    validator reports them as ``future-date``). Undated activity rows still count as follow-ups.
    """
    a = activities.loc[activities["project_id"].notna(), ["project_id", "date"]]
    d = pd.to_datetime(a["date"])
    a = a.loc[d.isna() | (d <= pd.Timestamp(as_of))]
    if a.empty:
        return pd.DataFrame({"last_activity": pd.Series(dtype="datetime64[ns]"),
                             "follow_ups": pd.Series(dtype="int64")})
    g = a.groupby(a["project_id"].astype(str), sort=False)["date"]
    return pd.DataFrame({"last_activity": g.max(), "follow_ups": g.size()})


def milestone_entry(projects: pd.DataFrame, pipeline: Pipeline) -> pd.Series:
    """The first filled milestone of each row's stage ``entry`` list (won/lost: also ``closed``)."""
    stage = projects["stage"]
    out = pd.Series(pd.NaT, index=projects.index, dtype="datetime64[ns]")
    for s in pipeline.stages:
        cols = [c for c in s.entry if c in projects.columns]
        if s.kind in ("won", "lost") and "closed" in projects.columns:
            cols.append("closed")
        mask = (stage == s.key).to_numpy()
        if not cols or not mask.any():
            continue
        sub = projects.loc[mask, cols].apply(pd.to_datetime)
        out.loc[mask] = sub.bfill(axis=1).iloc[:, 0].astype("datetime64[ns]")
    return out


def entered_stage(projects: pd.DataFrame, pipeline: Pipeline, transitions: pd.DataFrame,
                  as_of: dt.date) -> pd.Series:
    """The date each project entered its current stage.

    The first filled milestone of the stage's ``entry`` list (for won/lost also ``closed``),
    else the latest History transition into the current stage, else the created date.
    """
    stage = projects["stage"]
    out = milestone_entry(projects, pipeline)
    if len(transitions):
        tr = transitions.loc[transitions["date"] <= pd.Timestamp(as_of)]
        last_in = tr.groupby(tr["id"].astype(str) + "\x1f" + tr["to_stage"].astype(str))["date"].max()
        key = projects["id"].astype(str) + "\x1f" + stage.astype(str)
        out = out.fillna(lookup(key, last_in).astype("datetime64[ns]"))
    return out.fillna(pd.to_datetime(projects["created"])).astype("datetime64[ns]")


def project_rules(projects: pd.DataFrame, activities: pd.DataFrame, pipeline: Pipeline,
                  as_of: dt.date, lang: str, *, transitions: pd.DataFrame | None = None,
                  payment_overdue: pd.Series | None = None) -> pd.DataFrame:
    """The per-project columns of :class:`xltrack.compute.results.Results` (same index)."""
    n = len(projects)
    today = pd.Timestamp(as_of)
    stages = {s.key: s for s in pipeline.stages}
    stage = projects["stage"].where(projects["stage"].isin(list(stages)), None).astype(object)
    kind = stage.map({k: s.kind for k, s in stages.items()}).astype(object)
    is_open = (kind == "open").to_numpy()
    unknown = stage.isna().to_numpy()
    stage_name = stage.map({k: s.name(lang) for k, s in stages.items()}).astype(object)
    ids = projects["id"].astype(object).where(projects["id"].notna(), None)
    id_str = ids.astype(str)

    # follow-ups
    stats = activity_stats(activities, as_of)
    last_act = lookup(id_str, stats["last_activity"]).astype("datetime64[ns]")
    own = pd.to_datetime(projects["last_follow_up"]).where(lambda d: d <= today)
    last_fu = pd.concat([last_act, own], axis=1).max(axis=1).astype("datetime64[ns]")
    idle_days = (today - last_fu).dt.days.astype("float64")
    follow_ups = lookup(id_str, stats["follow_ups"]).astype("float64").fillna(0).astype("int64")

    # stage entry and dwell (a future entry date counts as 0 days, not negative)
    tr = transitions if transitions is not None else pd.DataFrame(columns=["id", "to_stage", "date"])
    projects_s = projects.assign(stage=stage)
    entered = entered_stage(projects_s, pipeline, tr, as_of)
    days_in_stage = (today - entered).dt.days.astype("float64").clip(lower=0)

    # probability and weighted amount
    default_p = stage.map({k: s.probability for k, s in stages.items()}).astype("float64")
    prob = projects["probability"].astype("float64").fillna(default_p)
    amount = projects["amount"].astype("float64")
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

    def fmt(code: str, mask: np.ndarray, days: np.ndarray, lv: np.ndarray, th: np.ndarray) -> list[str]:
        tpl = t(code)
        li = 0 if lang == "zh" else 1
        pos = np.flatnonzero(mask)
        names = stage_name.to_numpy()
        return [tpl.format(stage=names[p], n=_days_text(lang, int(days[p])),
                           line=LINE[int(lv[p])][li], th=int(th[p])) for p in pos]

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
    m = is_open & never & np.isnan(since_created)
    R.add(m, "no_follow_up", YELLOW, t("no_follow_up_undated"))

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
    m = live & (close < today).to_numpy()
    R.add(m, "close_past", YELLOW, t("close_past"))
    m = live & close.isna().to_numpy() & ~gated("expected_close")
    R.add(m, "close_missing", YELLOW, t("close_missing"))
    R.add(unknown, "stage_unknown", YELLOW, t("stage_unknown"))

    # stage gates: a field the stage requires is empty
    for s in pipeline.open_stages:
        in_s = (stage == s.key).to_numpy()
        if not in_s.any():
            continue
        for f in s.required:
            empty = _blank(projects[f]) if f in projects.columns else np.ones(n, dtype=bool)
            m = in_s & empty
            R.add(m, "gate", YELLOW, t("gate").format(label=_field_label(f, lang)))

    # overdue collections: red on live rows, informational (green) on closed rows
    if payment_overdue is not None and len(payment_overdue):
        od = lookup(id_str, payment_overdue).astype("float64").to_numpy()
        has = ~np.isnan(od) & ids.notna().to_numpy()
        texts = [t("payment_overdue").format(n=_days_text(lang, int(od[p]))) for p in np.flatnonzero(has)]
        R.add(has, "payment_overdue", np.where(live, RED, GREEN), texts)

    level, reasons, codes = R.fold()
    level = np.where(live, level, GREEN)
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
        "days_in_stage": days_in_stage,
        "last_follow_up": last_fu,
        "idle_days": idle_days,
        "follow_ups": follow_ups,
        "probability_used": prob,
        "weighted_amount": weighted,
        "next_step_overdue_days": pd.Series(late, index=projects.index).where(lambda x: x > 0),
    }, index=projects.index)
