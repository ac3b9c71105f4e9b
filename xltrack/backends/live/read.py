"""Reading the open workbook through xlwings: each input sheet's values as a grid.

Each input sheet is read with ONE range read (A1 to the used range's last cell, so the grid is
padded from A1 exactly like the file reader's; five calls per sheet, the sheet names read once
and handed to the writer). :class:`xltrack.jobs.BookSource` normalizes these grids with
``tables_from_grids``, the same function the file reader ends in.
"""
from __future__ import annotations

from typing import Any

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
