"""Any spreadsheet file's sheets as grids (.xlsx/.xlsm, .xls, .ods): what ``xltrack import`` reads.

Unlike :mod:`.book` (the tracking workbook, read fast and typed for validation) this reads a
foreign file whole, through python-calamine, sheet by sheet; a sheet that is not a table (a chart
sheet) is skipped.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


class BookError(Exception):
    """The file cannot be opened (encrypted, damaged, not a spreadsheet); ``str`` says why."""


def sheet_names(path: Path) -> list[str]:
    return list(_open(path).sheet_names)


def sheet_grids(path: Path, names: list[str] | None = None) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of raw values) for ``names`` (default: every sheet), in workbook order."""
    book = _open(path)
    out = []
    for n in names if names is not None else list(book.sheet_names):
        try:
            rows = book.get_sheet_by_name(n).to_python(skip_empty_area=False)
        except Exception:   # a chart sheet or an unreadable sheet: not a table
            continue
        out.append((n, [list(r) for r in rows]))
    return out


def _open(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as e:   # calamine raises its own error types for encrypted or broken files
        raise BookError(str(e).splitlines()[0][:120] if str(e) else type(e).__name__) from None
