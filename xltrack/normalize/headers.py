"""Find a sheet's header row and map its labels to canonical column keys.

The header row is the row, among the first :data:`SCAN_ROWS`, that matches the most known labels
(a title row or two above it is fine). Labels are compared by :func:`~.text.match_key` (NFKC,
case-folded, spaces removed), first against every column's zh/en label, then its aliases; a
trailing note in brackets (``预计金额（元）``, ``状态灯 (自动)``) is ignored when the whole label
does not match; on an amount column a unit note (``预计金额（万元）``) is kept as the column's
unit. Unmatched headers are the user's extra columns and are kept. Owned (computed) columns are
recognised too, so write-back knows where they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkbookUnreadable
from ..i18n import pick
from ..pipeline.models import Lang, Sheet
from .text import clean_text, match_key
from .values import unit_factor

SCAN_ROWS = 10
MIN_MATCHES = 2
_BRACKET_TAIL = re.compile(r"[（(\[【].*?[)）\]】]\s*$")
_MARKS = "*:：＊"


@dataclass
class HeaderMap:
    row: int                                                # 1-based Excel row of the header
    columns: dict[str, int] = field(default_factory=dict)   # canonical key -> 1-based column
    extras: dict[str, int] = field(default_factory=dict)    # header text as typed -> 1-based column
    labels: dict[int, str] = field(default_factory=dict)    # 1-based column -> header text as typed
    units: dict[str, float] = field(default_factory=dict)   # money key -> unit in its header (万元)


def _label_index(sheet: Sheet) -> tuple[dict[str, str], dict[str, str]]:
    labels: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for c in sheet.columns:
        for lab in (c.zh, c.en):
            labels.setdefault(match_key(lab), c.key)
        for a in c.aliases:
            aliases.setdefault(match_key(a), c.key)
    return labels, aliases


def _key_for(text: Any, labels: dict[str, str], aliases: dict[str, str]) -> str | None:
    if text is None or not isinstance(text, (str, int, float)) or isinstance(text, bool):
        return None
    raw = str(text)
    for cand in (raw, _BRACKET_TAIL.sub("", raw)):
        k = match_key(cand).strip(_MARKS)
        if not k:
            continue
        if k in labels:
            return labels[k]
        if k in aliases:
            return aliases[k]
    return None


def column_key(text: Any, sheet: Sheet) -> str | None:
    """The canonical key a header label names on ``sheet`` (labels, then aliases), or None."""
    index = _INDEX.get(id(sheet))
    if index is None or index[0] is not sheet:
        index = _INDEX[id(sheet)] = (sheet, *_label_index(sheet))
    return _key_for(text, index[1], index[2])


_INDEX: dict[int, tuple[Sheet, dict[str, str], dict[str, str]]] = {}


def _score(row: list[Any], labels: dict[str, str], aliases: dict[str, str]) -> int:
    return len({k for v in row if (k := _key_for(v, labels, aliases))})


def header_score(grid: list[list[Any]], sheet: Sheet) -> int:
    """How many of ``sheet``'s columns the best of the first rows of ``grid`` names."""
    labels, aliases = _label_index(sheet)
    return max((_score(row, labels, aliases) for row in grid[:SCAN_ROWS]), default=0)


def find_header(grid: list[list[Any]], sheet: Sheet, *, sheet_name: str, lang: Lang) -> HeaderMap:
    """Locate and map the header row; a missing required column raises ``WorkbookUnreadable``."""
    labels, aliases = _label_index(sheet)
    best_row, best = -1, 0
    for r, row in enumerate(grid[:SCAN_ROWS]):
        s = _score(row, labels, aliases)
        if s > best:
            best_row, best = r, s
    if best < MIN_MATCHES:
        expected = "、".join(c.label(lang) for c in sheet.columns if c.required) if lang == "zh" \
            else ", ".join(c.label(lang) for c in sheet.columns if c.required)
        raise WorkbookUnreadable(pick(
            lang,
            "“{sheet}”表的前 {n} 行中找不到表头（应包含 {expected} 等列标题）。",
            "Sheet “{sheet}” has no recognisable header row in its first {n} rows "
            "(expected column titles such as {expected}).",
            sheet=sheet_name, n=SCAN_ROWS, expected=expected))
    hm = HeaderMap(row=best_row + 1)
    for c, v in enumerate(grid[best_row], start=1):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        text = str(v)
        hm.labels[c] = clean_text(text)
        key = _key_for(v, labels, aliases)
        if key is not None and key not in hm.columns:
            hm.columns[key] = c
            if sheet.column(key).type == "money" and (unit := unit_factor(text)) != 1.0:
                hm.units[key] = unit
        else:
            name, n = text, 1
            while name in hm.extras or name in {col.key for col in sheet.columns}:
                n += 1
                name = f"{text} ({n})"
            hm.extras[name] = c
    missing = [c for c in sheet.columns if c.required and c.key not in hm.columns]
    if missing:
        sep = "、" if lang == "zh" else ", "
        found = sep.join(hm.labels.values())
        raise WorkbookUnreadable(pick(
            lang,
            "“{sheet}”表缺少必需的列：{missing}（第 {row} 行的表头为：{found}）。",
            "Sheet “{sheet}” lacks the required column(s) {missing} (the header in row {row} has: {found}).",
            sheet=sheet_name, missing=sep.join(c.label(lang) for c in missing), row=hm.row, found=found))
    return hm
