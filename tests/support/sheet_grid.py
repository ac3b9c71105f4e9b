"""Reading a SheetWrite back like a sheet: by A1 address and by chart range."""
from __future__ import annotations

import re

from xltrack.plan import Cell, SheetWrite


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def at(sw: SheetWrite, ref: str) -> Cell | None:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    assert m, ref
    c, r = col_index(m.group(1)), int(m.group(2))
    if r > len(sw.rows) or c > len(sw.rows[r - 1]):
        return None
    return sw.rows[r - 1][c - 1]


def value(sw: SheetWrite, ref: str):
    cell = at(sw, ref)
    return cell.value if cell else None


def range_values(sw: SheetWrite, rng: str) -> list:
    """``'看板'!$N$5:$N$9`` → the values in that (one-column) range of ``sw``."""
    m = re.fullmatch(r"'((?:[^']|'')+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", rng)
    assert m, rng
    assert m.group(1).replace("''", "'") == sw.name
    assert m.group(2) == m.group(4), "one column"
    return [value(sw, f"{m.group(2)}{r}") for r in range(int(m.group(3)), int(m.group(5)) + 1)]


def find_row(sw: SheetWrite, text: str) -> int:
    """1-based row whose first cell's value is ``text``."""
    for i, row in enumerate(sw.rows, start=1):
        if row and row[0] is not None and row[0].value == text:
            return i
    raise AssertionError(f"{text!r} not in column A of {sw.name}")


def column_a(sw: SheetWrite) -> list:
    return [row[0].value if row and row[0] else None for row in sw.rows]
