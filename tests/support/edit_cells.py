"""Type into a workbook's user sheets in tests, the way a person would change cells.

Writes through xltrack's own file backend (``RowWrite``: only the named cells change, a new row
takes the formatting of the row above, ``None`` clears a cell), so every other part of the file
stays as it was — what a test of split and merge needs to know exactly which cells moved.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from xltrack.backends.file import apply_plan
from xltrack.normalize.api import read_workbook
from xltrack.plan import RowWrite, WritePlan


def set_cells(path: Path, sheet_key: str, edits: dict[int, dict[str, Any]],
              as_of: dt.date = dt.date(2026, 11, 27)) -> None:
    """``edits[row][field] = value`` on the sheet ``sheet_key`` (projects, activities, payments)."""
    path = Path(path)
    info = read_workbook(path, as_of=as_of).sheets[sheet_key]
    cells = {r: {info.columns[f]: v for f, v in fields.items()} for r, fields in edits.items()}
    last = max([info.last_row, *edits])
    tmp = path.with_name(path.stem + ".edit" + path.suffix)
    apply_plan(path, WritePlan(rows=[RowWrite(info.name, info.header_row, cells, last)]), tmp)
    tmp.replace(path)


def row_of(path: Path, pid: str, as_of: dt.date = dt.date(2026, 11, 27)) -> int:
    p = read_workbook(path, as_of=as_of).projects
    return int(p.loc[p["id"] == pid, "_row"].iloc[0])
