"""历史 History: ``Results.history_rows`` written verbatim and plain.

xltrack.compute.history owns the format and the bound of this sheet (it is the memory that
dwell time, conversion and week-over-week changes are computed from, and it is read back on the
next refresh), so this builder adds nothing: no title row, no styles, no reordering.
"""
from __future__ import annotations

import datetime as dt

from ..plan import Cell, SheetWrite, Style
from . import style as S
from .context import Ctx


_DATE = Style(num_format=S.FORMATS["date"])   # only so a date reads as a date, not a serial


_SHARED = {str, int, float, dt.date, dt.datetime}


def _cell(v: object) -> Cell | None:
    v = S.clean(v)
    if v is None:
        return None
    return Cell(v, _DATE if isinstance(v, dt.date) else None)


def _cells(history_rows: list[list[object]]) -> list[list[Cell | None]]:
    """The rows as Cells, one shared Cell per distinct value (the sheet has one row per project
    and snapshot — 50k+ rows of mostly repeated stages, owners, dates and lights): 0.76 s → 0.2 s
    at 50k projects, and the file backend then types each distinct value once. Plans are
    read-only data, so sharing a Cell between rows is safe."""
    text: dict[str, Cell] = {}                # text cannot equal a number or a date: keyed by itself
    other: dict[tuple, Cell] = {}

    def make(v: object) -> Cell | None:
        t = v.__class__
        if t is str:
            c = text[v] = Cell(v)   # type: ignore[index]
            return c
        if t in _SHARED and v == v:     # NaN is never equal to itself: not shared
            key = (t, v)
            c = other.get(key)
            if c is None:               # what _cell gives for these plain types
                c = other[key] = Cell(v, _DATE if t is dt.date or t is dt.datetime else None)
            return c
        return _cell(v)

    get = text.get
    return [[None if v is None else get(v) or make(v) for v in row]  # type: ignore[arg-type]
            for row in history_rows]


def build(ctx: Ctx) -> SheetWrite:
    rows = _cells(ctx.results.history_rows)
    widths = {c + 1: 12.0 for c in range(max((len(r) for r in rows), default=0))}
    return SheetWrite(key="history", name=S.sheet_name("history", ctx.lang), rows=rows,
                      col_widths=widths, freeze=(1, 0) if rows else None)
