"""``refresh_book``: the whole refresh against an open workbook (the Excel button's work).

Reads each input sheet with ONE range read (A1 to the used range's last cell, so the grid is
padded from A1 exactly like the file reader's; five calls per sheet, the sheet names read once
and handed to the writer), then runs the same pipeline as ``xltrack refresh`` —
``tables_from_grids`` → ``compute`` → ``make_plan`` — and applies the plan live.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any, Callable

from ...i18n import pick

INPUT_SHEETS = ("projects", "activities", "payments", "config", "history")


def read_grids(book, names: list[str] | None = None, *, sheets: dict[str, Any] | None = None
               ) -> dict[str, list[list[Any]]]:
    """Sheet name → 2-D values, for the sheets xltrack reads (all sheets when ``names`` is None).

    Five calls per sheet: ``range((1, 1), used_range.last_cell)`` padded from A1 like the file
    reader, ``options(ndim=2)`` so one cell or one row still comes back as a list of rows.
    """
    from ...normalize.sheets import find_sheets
    sheets = sheets if sheets is not None else sheets_by_name(book)
    if names is None:
        where = find_sheets(list(sheets))
        names = [where[k] for k in INPUT_SHEETS if k in where]
    grids: dict[str, list[list[Any]]] = {n: [] for n in sheets}    # every name, in book order
    for name in names:
        sh = sheets[name]
        value = sh.range((1, 1), sh.used_range.last_cell).options(ndim=2, err_to_str=True).value
        grids[name] = _errors([list(r) for r in value])
    return grids


def sheets_by_name(book) -> dict[str, Any]:
    """Name → sheet, in book order (one ``name`` read per sheet)."""
    return {sh.name: sh for sh in book.sheets}


# Excel's error values, as xlwings returns them with err_to_str=True (xlwings/_xlwindows.py).
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}


def _errors(grid: list[list[Any]]) -> list[list[Any]]:
    """Error cells become :class:`xltrack.read.book.CellError`, as the file reader gives them
    (a text typed as "#N/A" is indistinguishable here; the file reader tells them apart)."""
    from ...read.book import CellError
    for row in grid:
        for j, v in enumerate(row):
            if isinstance(v, str) and v in EXCEL_ERRORS:
                row[j] = CellError(v)
    return grid


def refresh_book(book, *, as_of: dt.date | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Refresh the open ``book`` in place; return the summary (counts of lights, issues, seconds).

    ``as_of`` defaults to today (the only place this path reads the clock).
    """
    from ...compute.api import compute
    from ...normalize.api import tables_from_grids
    from ...planner import make_plan
    from .apply import apply_plan_to_book

    t0 = time.perf_counter()
    as_of = as_of or dt.date.today()
    app = book.app
    say = progress or (lambda msg: setattr(app, "status_bar", msg))
    say("xltrack: 读取 / reading…")
    sheets = sheets_by_name(book)
    grids = read_grids(book, sheets=sheets)
    tables = tables_from_grids(grids, as_of=as_of, source=None)
    lang = tables.lang
    say(pick(lang, "xltrack：计算中…", "xltrack: computing…"))
    results = compute(tables, as_of)
    plan = make_plan(tables, results)
    apply_plan_to_book(book, plan, progress=lambda m: say(pick(lang, "xltrack：写入 ", "xltrack: writing ") + m),
                       grids=grids, sheets=sheets)
    summary = {k: v for k, v in plan.summary.items()}
    summary.update(lang=lang, as_of=as_of.isoformat(), seconds=round(time.perf_counter() - t0, 2),
                   issues=len(tables.issues))
    summary["message"] = summary_message(summary)
    return summary


def summary_message(s: dict[str, Any]) -> str:
    return pick(s.get("lang", "zh"),
                "已刷新（{as_of}）：{n} 个项目，红 {r} / 黄 {y} / 绿 {g}；数据问题 {i} 个（错误 {e}）。用时 {t} 秒。",
                "Refreshed ({as_of}): {n} projects, {r} red / {y} yellow / {g} green; {i} data issues ({e} errors). {t} s.",
                as_of=s.get("as_of", ""), n=s.get("projects", 0), r=s.get("red", 0), y=s.get("yellow", 0),
                g=s.get("green", 0), i=s.get("issues", 0), e=s.get("errors", 0), t=s.get("seconds", 0))
