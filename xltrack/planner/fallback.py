"""Minimal owned sheets when :mod:`xltrack.sheets` is not available: History and Issues.

History must always be written — it is the memory that makes days in stage and conversion
possible — so a refresh never runs without it.
"""
from __future__ import annotations

from ..compute.results import Results
from ..i18n import pick
from ..pipeline import layout
from ..plan import Cell, SheetWrite, Style
from ..tables import Tables

_BOLD = Style(bold=True)


def fallback_sheets(tables: Tables, results: Results) -> list[SheetWrite]:
    lang = results.lang
    L = layout()
    head = [Cell(pick(lang, *t), _BOLD) for t in (("工作表", "Sheet"), ("单元格", "Cell"), ("字段", "Field"),
                                                  ("值", "Value"), ("问题", "Problem"), ("级别", "Severity"))]
    rows = [head] + [[Cell(i.sheet), Cell(i.cell), Cell(i.field), Cell(None if i.value is None else str(i.value)),
                      Cell(i.message), Cell(i.severity)] for i in tables.issues]
    issues = SheetWrite(key="issues", name=L.sheet("issues").name(lang), rows=rows, freeze=(1, 0),
                        col_widths={1: 12, 2: 8, 3: 14, 4: 18, 5: 50, 6: 8})
    history = SheetWrite(key="history", name=L.sheet("history").name(lang),
                         rows=[[Cell(v) for v in row] for row in results.history_rows], freeze=(1, 0))
    return [issues, history]
