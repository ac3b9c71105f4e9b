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


def _cell(v: object) -> Cell | None:
    v = S.clean(v)
    if v is None:
        return None
    return Cell(v, _DATE if isinstance(v, dt.date) else None)


def build(ctx: Ctx) -> SheetWrite:
    rows: list[list[Cell | None]] = [[_cell(v) for v in row] for row in ctx.results.history_rows]
    widths = {c + 1: 12.0 for c in range(max((len(r) for r in rows), default=0))}
    return SheetWrite(key="history", name=S.sheet_name("history", ctx.lang), rows=rows,
                      col_widths=widths, freeze=(1, 0) if rows else None)
