"""``refresh_book``: the whole refresh against an open workbook (the Excel button's work).

Reads each input sheet with ONE range read (A1 to the used range's last cell, so the grid is
padded from A1 exactly like the file reader's), then runs the same pipeline as ``xltrack
refresh`` — ``tables_from_grids`` → ``compute`` → ``make_plan`` — and applies the plan live.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any, Callable

from ...i18n import pick

INPUT_SHEETS = ("projects", "activities", "payments", "config", "history")


def read_grids(book, names: list[str] | None = None) -> dict[str, list[list[Any]]]:
    """Sheet name → 2-D values, for the sheets xltrack reads (all sheets when ``names`` is None)."""
    from ...normalize.sheets import find_sheets
    sheets = {sh.name: sh for sh in book.sheets}
    if names is None:
        where = find_sheets(list(sheets))
        names = [where[k] for k in INPUT_SHEETS if k in where]
    grids: dict[str, list[list[Any]]] = {n: [] for n in sheets}    # every name, in book order
    for name in names:
        sh = sheets[name]
        last = sh.used_range.last_cell
        rows, cols = last.row, last.column
        value = sh.range((1, 1), (rows, cols)).options(err_to_str=True).value
        grids[name] = _errors(_two_d(value, rows, cols))
    return grids


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


def _two_d(value: Any, rows: int, cols: int) -> list[list[Any]]:
    """xlwings returns a scalar for one cell and a flat list for one row/column: make it 2-D."""
    if rows == 1 and cols == 1:
        return [[value]]
    if rows == 1:
        return [list(value)]
    if cols == 1:
        return [[v] for v in value]
    return [list(r) for r in value]


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
    grids = read_grids(book)
    tables = tables_from_grids(grids, as_of=as_of, source=None)
    lang = tables.lang
    say(pick(lang, "xltrack：计算中…", "xltrack: computing…"))
    results = compute(tables, as_of)
    plan = make_plan(tables, results)
    apply_plan_to_book(book, plan, progress=lambda m: say(pick(lang, "xltrack：写入 ", "xltrack: writing ") + m),
                       grids=grids)
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
