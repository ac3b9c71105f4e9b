"""Any spreadsheet file's sheets as grids (.xlsx/.xlsm, .xls, .ods): what ``xltrack import`` reads.

Unlike :mod:`.book` (the tracking workbook, read fast and typed for validation) this reads a
foreign file whole, through python-calamine, sheet by sheet; a sheet that is not a table (a chart
sheet) is skipped.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ..errors import WorkbookUnreadable


class BookError(Exception):
    """The file cannot be opened (encrypted, damaged, not a spreadsheet); ``str`` says why."""


def sheet_names(path: Path) -> list[str]:
    return list(_open(path).sheet_names)


def sheet_grids(path: Path, names: list[str] | None = None) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of raw values) for ``names`` (default: every sheet), in workbook order.

    An .xlsx/.xlsm source passes the same limits as the tracking workbook (:mod:`.guard`): the
    package first, each sheet's inflated size and cell area before calamine allocates its grid."""
    book = _open(path)
    out = []
    for n in names if names is not None else list(book.sheet_names):
        _guard_sheet(path, n)
        try:
            rows = book.get_sheet_by_name(n).to_python(skip_empty_area=False)
        except BaseException as e:   # a chart sheet or an unreadable sheet: not a table
            if not (isinstance(e, Exception) or type(e).__name__ == "PanicException"):
                raise
            continue
        out.append((n, [list(r) for r in rows]))
    return out


def _ooxml(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as zf:
        return "xl/workbook.xml" in zf.NameToInfo


def _guard_sheet(path: Path, name: str) -> None:
    if not _ooxml(path):
        return
    from .errcells import sheet_parts
    from .guard import check_sheet
    try:
        with zipfile.ZipFile(path) as zf:
            part = sheet_parts(zf).get(name)
            if part in zf.NameToInfo:
                check_sheet(path, zf, part, name)
    except WorkbookUnreadable as e:
        raise BookError(str(e)) from None


def _open(path: Path):
    from python_calamine import CalamineWorkbook

    from .guard import check_package
    if _ooxml(path):
        try:
            with zipfile.ZipFile(path) as zf:
                check_package(path, zf)
        except WorkbookUnreadable as e:
            raise BookError(str(e)) from None
    try:
        return CalamineWorkbook.from_path(str(path))
    except BaseException as e:   # calamine raises its own error types (and panics) for broken files
        if not (isinstance(e, Exception) or type(e).__name__ == "PanicException"):
            raise
        raise BookError(str(e).splitlines()[0][:120] if str(e) else type(e).__name__) from None
