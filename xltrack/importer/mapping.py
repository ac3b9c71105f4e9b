"""The mapping from a source's columns and values onto a workbook sheet's fields.

Automatic first: the source's header row is the row (among the first ten) naming the most
fields of a user sheet, by the same labels and aliases ``validate`` uses (``layout.toml``, which
includes the column names of real CRM exports); a Pipedrive-style prefix ("Deal - Value") is
tried without it. The target sheet is the one the header names most (Projects on a tie). A
mapping file (:mod:`.mapfile`) overrides any of it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import XltrackError, EXIT_DATA_ERRORS
from ..i18n import pick
from ..normalize.headers import SCAN_ROWS, column_key
from ..normalize.lookup import edit_distance
from ..normalize.text import clean_text, match_key
from ..pipeline import layout
from ..pipeline.models import Sheet

TARGETS = ("projects", "activities", "payments")
UNITS = {"元": 1.0, "yuan": 1.0, "1": 1.0, "万元": 10_000.0, "万": 10_000.0, "千": 1_000.0, "千元": 1_000.0,
         "k": 1_000.0, "thousand": 1_000.0}
_PREFIX = re.compile(r"^\s*(deal|opportunity|organization|person|商机|客户)\s*[-:：]\s*", re.I)


class NothingToImport(XltrackError):
    """No row of the source matches the mapping (exit 1)."""

    exit_code = EXIT_DATA_ERRORS


@dataclass
class Mapping:
    """How a source becomes rows of a workbook sheet. Keys are canonical field keys, or the
    exact header of an extra user column of the target sheet."""

    target: str | None = None                               # projects | activities | payments
    header_row: int | None = None                           # 1-based row of the source's header
    columns: dict[str, str] = field(default_factory=dict)   # source header → field ("" = skip)
    stages: dict[str, str] = field(default_factory=dict)    # source value → stage (key or name)
    owners: dict[str, str] = field(default_factory=dict)    # source value → owner name
    constants: dict[str, Any] = field(default_factory=dict)  # field → value for every row
    date_order: str | None = None                           # mdy | dmy (default: the workbook's)
    amount_unit: float = 1.0                                # plain amounts × this (万元 → 10000)
    sheet: str | None = None
    encoding: str | None = None
    source_file: str | None = None                          # the mapping file, for messages


@dataclass
class HeaderMatch:
    target: str
    row: int                                 # 1-based
    fields: dict[int, str]                   # 0-based source column → field key or extra header
    skipped: list[str]                       # source headers mapped to nothing
    headers: list[str]                       # every header text of the row


def field_names(sheet: Sheet) -> list[str]:
    return [c.key for c in sheet.columns if not c.owned]


def _auto_key(text: str, sheet: Sheet) -> str | None:
    key = column_key(text, sheet)
    if key is None and _PREFIX.match(text):
        rest = _PREFIX.sub("", text)
        key = column_key(rest, sheet) or column_key(_PREFIX.match(text).group(1) + " " + rest, sheet)
    if key is not None and sheet.column(key).owned:
        return None
    return key


def _row_fields(row: list[Any], sheet: Sheet, mapping: Mapping, extras: set[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    explicit = {match_key(k): v for k, v in mapping.columns.items()}
    taken: set[str] = set()
    for c, v in enumerate(row):
        if v is None or not str(v).strip():
            continue
        text = clean_text(str(v))
        k = match_key(text)
        if k in explicit:
            target = explicit[k]
            if target:
                out[c] = target
                taken.add(target)
    for c, v in enumerate(row):
        if c in out or v is None or not str(v).strip() or match_key(clean_text(str(v))) in explicit:
            continue
        key = _auto_key(clean_text(str(v)), sheet)
        if key is None and clean_text(str(v)) in extras:
            key = clean_text(str(v))
        if key is not None and key not in taken:
            out[c] = key
            taken.add(key)
    return out


def match_header(rows: list[list[Any]], mapping: Mapping, extras: dict[str, set[str]] | None = None
                 ) -> HeaderMatch | None:
    """The best (target, header row, column → field) for the source, or None when no row names
    at least two fields (one is enough when the mapping file names the columns)."""
    extras = extras or {}
    targets = [mapping.target] if mapping.target else list(TARGETS)
    scan = [mapping.header_row - 1] if mapping.header_row else range(min(SCAN_ROWS, len(rows)))
    best: tuple[int, int, str, dict[int, str]] | None = None
    for t in targets:
        sheet = layout().sheet(t)
        for r in scan:
            if r >= len(rows):
                continue
            f = _row_fields(rows[r], sheet, mapping, extras.get(t, set()))
            score = len(f)
            if best is None or score > best[0]:
                best = (score, r, t, f)
    need = 1 if mapping.columns or mapping.header_row else 2
    if best is None or best[0] < need:
        return None
    _, r, t, f = best
    headers = ["" if v is None else clean_text(str(v)) for v in rows[r]]
    skipped = [h for c, h in enumerate(headers) if h and c not in f]
    return HeaderMatch(t, r + 1, f, skipped, headers)


def nearest_fields(text: str, sheet: Sheet, n: int = 2) -> list[str]:
    """The fields whose labels or aliases are closest to ``text`` (for the not-recognised message)."""
    k = match_key(text)
    scored: dict[str, float] = {}
    for c in sheet.columns:
        if c.owned:
            continue
        for name in (c.key, c.zh, c.en, *c.aliases):
            m = match_key(name)
            if not m:
                continue
            longest = max(len(m), len(k))
            if min(len(m), len(k)) >= 3 and (m in k or k in m):
                d = 0.5
            else:
                d = edit_distance(k, m, longest + 1) / longest
            if d < scored.get(c.key, 9):
                scored[c.key] = d
    return [key for key, d in sorted(scored.items(), key=lambda kv: kv[1]) if d <= 0.5][:n]


def header_not_recognised(rows: list[list[Any]], source_name: str, lang: str) -> NothingToImport:
    """Exit 1 with what the first non-blank row holds and the nearest fields for each header."""
    first = next((r for r in rows[:SCAN_ROWS] if any(v is not None and str(v).strip() for v in r)), [])
    sheet = layout().sheet("projects")
    parts = []
    for v in first:
        if v is None or not str(v).strip():
            continue
        near = nearest_fields(str(v), sheet)
        parts.append(f"“{clean_text(str(v))}” → " + (" / ".join(near) if near else pick(lang, "？", "?")))
    seen = ("\n  " + "\n  ".join(parts)) if parts else pick(lang, "（空）", " (empty)")
    return NothingToImport(pick(
        lang, "{s} 中没有可识别的表头行，没有导入任何行。表头与最接近的字段：{seen}\n"
              "请写一个映射文件（--mapping），例如 [columns] \"商机名称\" = \"project\"；详见 docs/import.md。",
        "No header row of {s} is recognised; nothing was imported. Its headers and the nearest fields:{seen}\n"
        "Write a mapping file (--mapping), e.g. [columns] \"Deal Name\" = \"project\"; see docs/import.md.",
        s=source_name, seen=seen))
