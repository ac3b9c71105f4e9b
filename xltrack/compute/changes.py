"""Week-over-week changes: today's pipeline against the History baseline.

The baseline is the state of every project at the latest refresh dated at least 7 days before
``as_of`` (:func:`xltrack.compute.history.baseline_date`). No such refresh → no changes (and
``changes.baseline`` is null in the JSON). One row per project change:

* ``new`` — the ID was not in the baseline;
* ``won`` / ``lost`` — now in a won / lost stage, was not;
* ``advanced`` / ``moved_back`` — both open, the stage order went up / down;
* ``slipped`` — open, and the expected close date moved later;
* ``amount_changed`` — both amounts known and different;
* ``newly_red`` — red now, not red in the baseline (a new red project counts too).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..pipeline.models import Pipeline
from . import history

CHANGE_TEXT = {
    "new": ("新增", "New"), "advanced": ("推进", "Advanced"), "moved_back": ("回退", "Moved back"),
    "won": ("赢单", "Won"), "lost": ("输单", "Lost"), "slipped": ("成交日期推迟", "Close date slipped"),
    "amount_changed": ("金额变化", "Amount changed"), "newly_red": ("新变红", "Newly red"),
}
KINDS = list(CHANGE_TEXT)
COLUMNS = ["id", "customer", "project", "owner", "change", "change_text", "from_value", "to_value"]


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def week_changes(records: pd.DataFrame, rules: pd.DataFrame, pipeline: Pipeline, as_of: dt.date,
                 lang: str) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    base_day = history.baseline_date(records, as_of)
    if base_day is None:
        return empty(), None
    base = history.last_states(records, base_day)
    cur = rules.loc[rules["id"].notna()].drop_duplicates("id", keep="first")
    cur = cur.set_axis(cur["id"].astype(str).to_numpy())
    stages = {s.key: s for s in pipeline.stages}
    names = {k: s.name(lang) for k, s in stages.items()}  # type: ignore[arg-type]
    kind = {k: s.kind for k, s in stages.items()}
    order = {k: s.order for k, s in stages.items()}

    in_base = cur.index.isin(base.index)
    b = base.reindex(cur.index)
    c_kind, b_kind = cur["stage"].map(kind), b["stage"].map(kind)
    c_ord = cur["stage"].map(order).astype("float64")
    b_ord = b["stage"].map(order).astype("float64")
    both_open = (c_kind == "open") & (b_kind == "open")
    c_close = pd.to_datetime(cur["expected_close"])
    b_close = pd.to_datetime(b["expected_close"])
    c_amt, b_amt = cur["amount"].astype("float64"), b["amount"].astype("float64")

    def stage_val(s: pd.Series) -> pd.Series:
        return s.map(names)

    def date_val(s: pd.Series) -> pd.Series:
        return s.dt.strftime("%Y-%m-%d")

    rules_of = [
        ("new", ~in_base, pd.Series(None, index=cur.index, dtype=object), stage_val(cur["stage"])),
        ("advanced", in_base & both_open & (c_ord > b_ord), stage_val(b["stage"]), stage_val(cur["stage"])),
        ("moved_back", in_base & both_open & (c_ord < b_ord), stage_val(b["stage"]), stage_val(cur["stage"])),
        ("won", in_base & (c_kind == "won") & (b_kind != "won"), stage_val(b["stage"]), stage_val(cur["stage"])),
        ("lost", in_base & (c_kind == "lost") & (b_kind != "lost"), stage_val(b["stage"]), stage_val(cur["stage"])),
        ("slipped", in_base & (c_kind == "open") & (c_close > b_close), date_val(b_close), date_val(c_close)),
        ("amount_changed", in_base & c_amt.notna() & b_amt.notna() & ((c_amt - b_amt).abs() >= 0.005),
         b_amt, c_amt),
        ("newly_red", (cur["light"] == "red") & (b["light"] != "red"), b["light"], cur["light"]),
    ]
    parts = []
    for change, mask, frm, to in rules_of:
        mask = np.asarray(pd.Series(mask, index=cur.index).fillna(False), dtype=bool)
        if not mask.any():
            continue
        sel = cur.loc[mask]
        zh, en = CHANGE_TEXT[change]
        parts.append(pd.DataFrame({
            "id": sel["id"].astype(object), "customer": sel["customer"].astype(object),
            "project": sel["project"].astype(object), "owner": sel["owner"].astype(object),
            "change": change, "change_text": zh if lang == "zh" else en,
            "from_value": frm[mask].astype(object).where(frm[mask].notna(), None),
            "to_value": to[mask].astype(object).where(to[mask].notna(), None),
        }))
    if not parts:
        return empty(), base_day
    return pd.concat(parts, ignore_index=True)[COLUMNS], base_day


def summary(changes: pd.DataFrame, base_day: pd.Timestamp | None) -> dict:
    """The ``changes`` object of the JSON contract."""
    counts = changes["change"].value_counts() if len(changes) else pd.Series(dtype="int64")
    out: dict = {"baseline": None if base_day is None else base_day.date().isoformat()}
    for k in KINDS:
        out[k] = int(counts.get(k, 0))
    amt = changes.loc[changes["change"] == "amount_changed"] if len(changes) else changes
    delta = (pd.to_numeric(amt["to_value"]) - pd.to_numeric(amt["from_value"])).sum() if len(amt) else 0.0
    out["amount_delta"] = float(delta)
    return out
