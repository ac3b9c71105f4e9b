"""Compare workbooks for the fidelity contract: by bytes of each package part, and by user cells."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def changed_parts(before: Path, after: Path) -> tuple[set[str], set[str], set[str]]:
    """(changed, removed, added) part names."""
    a, b = parts(before), parts(after)
    changed = {n for n in a if n in b and a[n] != b[n]}
    return changed, set(a) - set(b), set(b) - set(a)


def _style(c: Any) -> tuple:
    return (c.number_format, c.font.b, c.font.i, c.font.color.rgb if c.font.color else None,
            c.fill.fill_type, c.fill.fgColor.rgb if c.fill.fgColor else None,
            c.alignment.horizontal, c.alignment.wrap_text, c.border.left.style, c.protection.locked)


def cell_dump(path: Path, sheets: list[str] | None = None,
              skip: dict[str, set[int]] | None = None) -> dict[tuple[str, str], tuple]:
    """(sheet, coordinate) → (value, data type, style) of every cell, except skipped columns."""
    wb = openpyxl.load_workbook(path)
    out = {}
    skip = skip or {}
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.column in skip.get(ws.title, set()):
                    continue
                if c.value is None and not c.has_style:
                    continue
                v = c.value
                if hasattr(v, "text") and hasattr(v, "ref"):   # an array formula
                    v = ("array", v.ref, v.text)
                out[(ws.title, c.coordinate)] = (v, c.data_type, _style(c))
    return out
