"""The History sheet: the workbook's memory of stages, states and refreshes.

Without History a workbook only knows *today*; with it, dwell time, conversion and
week-over-week changes work even when nobody types milestone dates. The sheet is owned by
xltrack and rewritten whole on every refresh (``Results.history_rows``, header row first).

Format — ten columns, one record per row::

    record | date | id | stage | from_stage | amount | probability | expected_close | owner | light

``record`` is one of (written in the workbook language, read in both):

* ``meta`` (元数据): ``id`` names the entry; ``id_high_water`` keeps in ``amount`` the highest
  number N of any project ID ``P-N`` ever seen, so IDs are never reused (:func:`id_high_water`);
* ``refresh`` (刷新): a refresh happened on ``date`` (at most one row per date);
* ``state`` (状态): a project's tracked state — stage, amount, probability used, expected close,
  owner, light — written **only when it differs from the project's previous state row** (the first
  refresh writes one row per project). This is a compact snapshot: the pipeline as it stood on
  any refresh date D is, per project, its last state row dated on or before D;
* ``transition`` (阶段变化): the project moved from ``from_stage`` to ``stage`` on ``date`` (the
  new stage's entry milestone when filled and not after as_of, else the refresh date);
* ``removed`` (已删除): the project ID disappeared from Projects.

Stages are written by name in the workbook language and read back by key, zh/en name or alias.

Bound: a refresh on a day that already has one replaces that day's state rows instead of adding
(refreshing twice on the same day with nothing changed adds nothing). Rows older than
:data:`RETAIN_DAYS` are dropped, except each still-present project's last state row before the
cut-off (its baseline). Beyond :data:`MAX_ROWS` the oldest records are dropped (Excel's sheet
limit is 1,048,576 rows). At 50,000 projects the first refresh writes ~50,000 rows and each later
one only the projects whose state changed.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from ..pipeline.models import Pipeline

RETAIN_DAYS = 730
MAX_ROWS = 1_000_000
FORMAT_VERSION = "1"

COLUMNS = ["record", "date", "id", "stage", "from_stage", "amount", "probability",
           "expected_close", "owner", "light"]
HEADER = {
    "zh": ["记录", "日期", "项目编号", "阶段", "原阶段", "金额", "赢率", "预计成交日期", "负责人", "状态灯"],
    "en": ["Record", "Date", "ID", "Stage", "From stage", "Amount", "Probability", "Expected close",
           "Owner", "Light"],
}
RECORDS = {"meta": ("元数据", "meta"), "refresh": ("刷新", "refresh"), "state": ("状态", "state"),
           "transition": ("阶段变化", "transition"), "removed": ("已删除", "removed")}
LIGHT_WORDS = {"red": ("红", "red"), "yellow": ("黄", "yellow"), "green": ("绿", "green")}
_ID_NUM = re.compile(r"^\s*P-?(\d+)\s*$", re.IGNORECASE)
_ID_LINE = re.compile(r"^[ \t]*P-?(\d+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
STATE_FIELDS = ["stage", "amount", "probability", "expected_close", "owner", "light"]


def _lookup(table: dict[str, tuple[str, str]]) -> dict[str, str]:
    out = {}
    for key, (zh, en) in table.items():
        for w in (key, zh, en):
            out[w] = key
            out[w.strip().lower()] = key
    return out


_RECORD_OF = _lookup(RECORDS)
_LIGHT_OF = _lookup(LIGHT_WORDS)


def _stage_lookup(pipeline: Pipeline) -> dict[str, str]:
    out = {}
    for s in pipeline.stages:
        for w in (*s.aliases, s.en, s.zh, s.key):
            out[str(w).strip().lower()] = s.key
    for s in pipeline.stages:  # exact names win over an alias that happens to match another stage
        for w in (s.zh, s.en, s.key):
            out[w] = s.key
    return out


def _to_dates(col: pd.Series) -> pd.Series:
    """Dates as read from a sheet: date/datetime objects, ISO text or Excel serial numbers."""
    col = col.astype(object)
    if pd.api.types.infer_dtype(col, skipna=True) in ("date", "datetime", "datetime64", "empty"):
        # the usual case (date cells, or our own rows): no per-value parsing needed
        return pd.to_datetime(col, errors="coerce").dt.normalize().astype("datetime64[ns]")
    num = pd.to_numeric(col, errors="coerce")  # Excel serials; dates and text become NaN
    out = pd.to_datetime(col.where(num.isna()), errors="coerce", format="mixed")
    serial = _EXCEL_EPOCH + pd.to_timedelta(num.where((num > 0) & (num < 2_958_466)), unit="D")
    return out.fillna(serial).dt.normalize().astype("datetime64[ns]")


def _text(col: pd.Series) -> pd.Series:
    """Trimmed text, None when blank (vectorised: no Python call per cell)."""
    t = col.astype(object).where(col.notna()).astype("str").str.strip()
    return t.where(t.notna() & (t != ""), None).astype(object)


def _word(col: pd.Series, table: dict[str, str]) -> pd.Series:
    """A word looked up case-insensitively (stage, record, light); None when unknown or blank."""
    w = col.map(table)  # exact spellings (our own writing) first, then trimmed and case-folded
    miss = w.isna() & col.notna()
    if miss.any():
        w[miss] = col[miss].astype(object).astype("str").str.strip().str.lower().map(table)
    return w.astype(object).where(w.notna(), None)


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "record": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]"),
        "id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
        "from_stage": pd.Series(dtype=object), "amount": pd.Series(dtype="float64"),
        "probability": pd.Series(dtype="float64"), "expected_close": pd.Series(dtype="datetime64[ns]"),
        "owner": pd.Series(dtype=object), "light": pd.Series(dtype=object)})


def parse(history_rows: list[list[Any]], pipeline: Pipeline) -> pd.DataFrame:
    """The records of a History grid (header and unrecognised rows skipped), in sheet order."""
    rows = [list(r)[:10] + [None] * (10 - len(r)) for r in history_rows if r is not None and len(r)]
    if not rows:
        return empty_frame()
    raw = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    rec = _word(raw["record"], _RECORD_OF)
    raw = raw.loc[rec.notna()].assign(record=rec[rec.notna()])
    if raw.empty:
        return empty_frame()
    stages = _stage_lookup(pipeline)
    return pd.DataFrame({
        "record": raw["record"].astype(object),
        "date": _to_dates(raw["date"]),
        "id": _text(raw["id"]),
        "stage": _word(raw["stage"], stages),
        "from_stage": _word(raw["from_stage"], stages),
        "amount": pd.to_numeric(raw["amount"], errors="coerce").astype("float64"),
        "probability": pd.to_numeric(raw["probability"], errors="coerce").astype("float64"),
        "expected_close": _to_dates(raw["expected_close"]),
        "owner": _text(raw["owner"]),
        "light": _word(raw["light"], _LIGHT_OF),
    }).reset_index(drop=True)


def id_high_water(history_rows: list[list[Any]]) -> int:
    """The highest project number N (IDs ``P-N``) recorded in History (its meta row, else any
    ``P-N`` in the ID column); 0 when none."""
    best = 0
    ids = []
    for r in history_rows:
        if not r or len(r) < 3:
            continue
        if len(r) >= 6 and r[2] == "id_high_water" and _RECORD_OF.get(str(r[0]).strip().lower()) == "meta":
            try:
                best = max(best, int(float(r[5])))
            except (TypeError, ValueError):
                pass
        elif isinstance(r[2], str):
            ids.append(r[2])
    return max(best, _max_id(ids))


def _max_id(ids: list[str]) -> int:
    # one regex pass over all IDs joined by newlines: ~10× faster than matching them one by one
    text = "\n".join(v.replace("\n", " ") for v in ids)
    return max(map(int, _ID_LINE.findall(text)), default=0)


def last_states(records: pd.DataFrame, on_or_before: pd.Timestamp) -> pd.DataFrame:
    """Per project ID, its last state row dated on or before a date (removed projects excluded)."""
    r = records.loc[records["record"].isin(["state", "removed"]) & (records["date"] <= on_or_before)
                    & records["id"].notna()]
    if r.empty:
        return empty_frame().set_index("id")
    r = r.sort_values("date", kind="stable").drop_duplicates("id", keep="last")
    return r.loc[r["record"] == "state"].set_index("id")


def baseline_date(records: pd.DataFrame, as_of: dt.date, days: int = 7) -> pd.Timestamp | None:
    """The latest refresh at least ``days`` before as_of (the week-over-week baseline)."""
    cut = pd.Timestamp(as_of) - pd.Timedelta(days=days)
    d = records.loc[(records["record"] == "refresh") & (records["date"] <= cut), "date"]
    return None if d.empty else d.max()


def current_states(rules: pd.DataFrame) -> pd.DataFrame:
    """The tracked state of each project today (first row of a duplicated ID)."""
    cur = rules.loc[rules["id"].notna()]  # an unknown stage is tracked too (blank stage)
    cur = cur.drop_duplicates("id", keep="first")
    return pd.DataFrame({
        "stage": cur["stage"].astype(object), "amount": cur["amount"].astype("float64"),
        "probability": cur["probability_used"].astype("float64"),
        "expected_close": cur["expected_close"].astype("datetime64[ns]"),
        "owner": cur["owner"].astype(object), "light": cur["light"].astype(object),
    }).set_axis(cur["id"].astype(str).to_numpy())


def _differs(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """Row-wise: does state ``a`` differ from state ``b`` (same index)? NaN equals NaN."""
    diff = pd.Series(False, index=a.index)
    for f in STATE_FIELDS:
        x, y = a[f], b[f]
        if f in ("amount", "probability"):
            same = (x.isna() & y.isna()) | ((x - y).abs() < 0.005)
        else:
            same = (x.isna() & y.isna()) | (x == y)
        diff |= ~same.fillna(False).astype(bool)
    return diff


def detect_transitions(records: pd.DataFrame, projects: pd.DataFrame, entry: pd.Series,
                       as_of: dt.date) -> pd.DataFrame:
    """Stage changes since each project's last state row (id, from_stage, to_stage, date)."""
    today = pd.Timestamp(as_of)
    prev = last_states(records, today)
    cur = projects.loc[projects["id"].notna() & projects["stage"].notna(), ["id", "stage"]]
    cur = cur.assign(entry=entry.loc[cur.index], id=cur["id"].astype(str)).drop_duplicates("id")
    cur = cur.loc[cur["id"].isin(prev.index)]
    before = prev.loc[cur["id"], ["stage", "date"]].set_axis(cur.index)
    moved = before["stage"].notna() & (before["stage"] != cur["stage"])
    cur, before = cur.loc[moved], before.loc[moved]
    ok = cur["entry"].notna() & (cur["entry"] <= today) & (cur["entry"] >= before["date"])
    date = cur["entry"].where(ok, today).astype("datetime64[ns]")
    return pd.DataFrame({"id": cur["id"].to_numpy(), "from_stage": before["stage"].to_numpy(),
                         "to_stage": cur["stage"].to_numpy(), "date": date.to_numpy()})


def transitions_of(records: pd.DataFrame) -> pd.DataFrame:
    t = records.loc[records["record"] == "transition"]
    return pd.DataFrame({"id": t["id"].to_numpy(), "from_stage": t["from_stage"].to_numpy(),
                         "to_stage": t["stage"].to_numpy(), "date": t["date"].to_numpy()})


def update(records: pd.DataFrame, rules: pd.DataFrame, new_transitions: pd.DataFrame,
           as_of: dt.date) -> pd.DataFrame:
    """The records after this refresh: new transitions, changed states, removals, bounded."""
    today = pd.Timestamp(as_of)
    # this refresh replaces anything it wrote earlier the same day
    same_day_state = (records["record"].isin(["state", "removed", "refresh"])) & (records["date"] == today)
    kept = records.loc[~same_day_state]
    cur = current_states(rules)
    prev = last_states(kept, today)
    common = cur.index.intersection(prev.index)
    changed = _differs(cur.loc[common], prev.loc[common, STATE_FIELDS])
    write = cur.index.difference(prev.index).append(changed.index[changed.to_numpy()])
    write = cur.index[cur.index.isin(write)]  # keep sheet order
    states = cur.loc[write].reset_index(names="id").assign(record="state", date=today, from_stage=None)
    gone = prev.index.difference(cur.index)
    removed = pd.DataFrame({"record": "removed", "date": today, "id": list(gone)})
    trans = pd.DataFrame({"record": "transition", "date": new_transitions["date"],
                          "id": new_transitions["id"], "stage": new_transitions["to_stage"],
                          "from_stage": new_transitions["from_stage"]})
    refresh = pd.DataFrame({"record": ["refresh"], "date": [today]})
    parts = [p for p in (kept.loc[kept["record"] != "meta"], trans, states, removed, refresh) if len(p)]
    out = pd.concat([empty_frame(), *parts], ignore_index=True)[COLUMNS]
    out["date"] = out["date"].astype("datetime64[ns]")
    return _bound(out, today)


def _bound(records: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    cut = today - pd.Timedelta(days=RETAIN_DAYS)
    old = records["date"] < cut
    if old.any():
        st = records.loc[old & records["record"].isin(["state", "removed"])]
        base = st.sort_values("date", kind="stable").drop_duplicates("id", keep="last")
        base = base.loc[base["record"] == "state"]
        records = pd.concat([base, records.loc[~old]]).sort_values("date", kind="stable")
    if len(records) > MAX_ROWS - 2:
        records = records.iloc[len(records) - (MAX_ROWS - 2):]
    return records.reset_index(drop=True)


def to_rows(records: pd.DataFrame, pipeline: Pipeline, lang: str, high_water: int) -> list[list[Any]]:
    """The sheet grid: header, the meta rows, then every record (dates as ``datetime.date``)."""
    li = 0 if lang == "zh" else 1
    names = {s.key: s.name(lang) for s in pipeline.stages}  # type: ignore[arg-type]
    rec = {k: v[li] for k, v in RECORDS.items()}
    lights = {k: v[li] for k, v in LIGHT_WORDS.items()}
    rows: list[list[Any]] = [list(HEADER["zh" if lang == "zh" else "en"])]
    rows.append([rec["meta"], None, "format", FORMAT_VERSION, None, None, None, None, None, None])
    rows.append([rec["meta"], None, "id_high_water", None, None, high_water, None, None, None, None])
    if records.empty:
        return rows

    def dates(s: pd.Series) -> list[Any]:  # numpy turns datetime64[D] into date objects, NaT into None
        return s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(object).tolist()

    def nums(s: pd.Series) -> list[Any]:
        a = s.to_numpy(dtype="float64")
        o = a.astype(object)
        o[np.isnan(a)] = None
        return o.tolist()

    def objs(s: pd.Series, mapping: dict[str, str] | None = None) -> list[Any]:
        if mapping:
            s = s.map(mapping).fillna(s)
        return s.astype(object).where(s.notna(), None).tolist()

    cols = [objs(records["record"], rec), dates(records["date"]), objs(records["id"]),
            objs(records["stage"], names), objs(records["from_stage"], names), nums(records["amount"]),
            nums(records["probability"]), dates(records["expected_close"]), objs(records["owner"]),
            objs(records["light"], lights)]
    rows.extend(map(list, zip(*cols)))
    return rows


def new_high_water(records: pd.DataFrame, ids: pd.Series) -> int:
    """The high-water mark to store: the parsed History's (meta row and IDs) or the current IDs'."""
    meta = records.loc[(records["record"] == "meta") & (records["id"] == "id_high_water"), "amount"]
    seen = [v for v in ids.tolist() if isinstance(v, str)]
    if meta.notna().any():  # the meta row already covers every ID History recorded
        return max(int(meta.max()), _max_id(seen))
    return _max_id(seen + records["id"].dropna().tolist())
