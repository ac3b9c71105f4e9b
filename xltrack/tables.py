"""The normalized tables: what the reader and validator hand to the rules and KPIs.

Contract (every producer and consumer relies on it):

* ``projects``, ``activities``, ``payments`` are pandas DataFrames with one row per non-blank
  Excel row (never dropped), in sheet order, and these columns:
  - every canonical key of the sheet's user columns (``layout.toml``), even when the workbook
    lacks that column (then all missing);
  - ``_row``: the Excel row number (int, 1-based);
  - every extra user column, named by its header text exactly as typed (raw values).
* dtypes by column type: ``date`` → ``datetime64[ns]`` (NaT when missing or invalid);
  ``money``/``percent``/``int`` → ``float64`` (NaN when missing or invalid; percent as 0..1);
  ``stage`` → the stage *key* (``"negotiation"``) or None when blank/unknown;
  ``owner`` → the owner's canonical name when known, else the trimmed text as typed, or None;
  ``activity_type`` → the type key or None; ``id``/``text`` → trimmed str or None.
  A project with a blank ID gets its assigned ID in ``id`` (see issue code ``id-assigned``).
* ``issues``: every problem found, located (see :mod:`xltrack.issues`).
* ``sheets``: where each sheet and column is, so write-back can address exact cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .issues import Issue
from .pipeline.models import Lang, Pipeline


@dataclass(slots=True)
class SheetInfo:
    key: str                      # layout key: projects, activities, payments
    name: str                     # the sheet's name in the workbook
    header_row: int               # 1-based
    columns: dict[str, int]       # canonical key -> 1-based column (user and owned columns found)
    extras: dict[str, int]        # extra user column header -> 1-based column
    last_row: int                 # last row that holds any value (>= header_row)
    last_col: int                 # last column that holds any value in the header row or data
    # money columns whose header names a unit (预计金额（万元） → {"amount": 10000.0}); the frames
    # hold yuan, so a writer showing amounts next to that column divides by this
    units: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Tables:
    lang: Lang
    pipeline: Pipeline
    projects: pd.DataFrame
    activities: pd.DataFrame
    payments: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    sheets: dict[str, SheetInfo] = field(default_factory=dict)
    # raw values of the owned History sheet (header row included), for xltrack.compute.history
    history_rows: list[list[Any]] = field(default_factory=list)
    # all sheet names in workbook order
    sheet_names: list[str] = field(default_factory=list)
    source: Path | None = None

    def flagged(self, sheet: str, fields: list[str]) -> pd.DataFrame:
        """Which values of ``sheet`` (projects/activities/payments) carry an issue: a boolean frame
        with one column per field of ``fields``, same index as that table.

        A flagged value (a negative amount, text in an amount cell…) is kept in its cell and in
        the issues, but stays out of every sum (docs/rules.md)."""
        frame = getattr(self, sheet)
        out = pd.DataFrame(False, index=frame.index, columns=list(fields))
        info = self.sheets.get(sheet)
        if info is None or not len(frame):
            return out
        rows: dict[str, set[int]] = {f: set() for f in fields}
        for i in self.issues:
            if i.sheet == info.name and i.field in rows and i.row is not None:
                rows[i.field].add(int(i.row))
        for f, r in rows.items():
            if r:
                out[f] = frame["_row"].isin(r).to_numpy()
        return out

    def typed(self, sheet: str, field: str) -> pd.Series:
        """What was typed in the cells of ``field`` that carry an issue (an unknown stage as
        typed…), same index as that table; None elsewhere."""
        frame = getattr(self, sheet)
        out = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        info = self.sheets.get(sheet)
        if info is None or not len(frame):
            return out
        raw = {int(i.row): i.value for i in self.issues
               if i.sheet == info.name and i.field == field and i.row is not None and i.value is not None}
        if raw:
            out[:] = [raw.get(int(r)) for r in frame["_row"].tolist()]
        return out

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")
