"""Find the workbook's sheets by name (zh, en or alias) and tell its language."""
from __future__ import annotations

from typing import Any, Iterable

from ..pipeline import layout
from ..pipeline.models import Lang
from .text import match_key


def find_sheets(names: Iterable[str]) -> dict[str, str]:
    """Layout sheet key -> the sheet's name in the workbook (first exact name, then alias)."""
    names = list(names)
    keys = {n: match_key(n) for n in names}
    found: dict[str, str] = {}
    for rank in ("name", "alias"):
        for sheet in layout().sheets:
            if sheet.key in found:
                continue
            cands = {match_key(sheet.zh), match_key(sheet.en)} if rank == "name" \
                else {match_key(a) for a in sheet.aliases}
            for n in names:
                if keys[n] in cands and n not in found.values():
                    found[sheet.key] = n
                    break
    return found


def detect_lang(names: Iterable[str], header_row: list[Any] | None = None) -> Lang:
    """en when more sheet names (then Projects header labels) are English than Chinese; else zh."""
    names = [match_key(n) for n in names]
    zh = sum(1 for s in layout().sheets if match_key(s.zh) in names)
    en = sum(1 for s in layout().sheets if match_key(s.en) in names)
    if zh == en and header_row:
        cells = {match_key(v) for v in header_row if isinstance(v, str)}
        cols = layout().sheet("projects").columns
        zh = sum(1 for c in cols if match_key(c.zh) in cells)
        en = sum(1 for c in cols if match_key(c.en) in cells)
    return "en" if en > zh else "zh"
