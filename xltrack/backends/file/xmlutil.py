"""Small helpers for writing SpreadsheetML by hand: escaping, cell references, values.

Sheet XML is produced as bytes with plain string building: for the few element kinds xltrack
writes, this is ~5× faster than building an lxml tree and serializing it, and it leaves no doubt
about which bytes are emitted.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from ...cellref import col_index, col_letter  # noqa: F401  (part of this module's API)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT = REL_NS + "/"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

# What XML 1.0 cannot carry at all, not even as a character reference: C0 controls other than
# tab/LF/CR, U+FFFE/U+FFFF, and UTF-16 surrogates standing alone (a Python str can hold one; UTF-8
# cannot encode it). A producer's ``_x0001_`` escape reaches xltrack as U+0001: it is dropped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]')

MAX_CELL_TEXT = 32_767   # Excel's limit for the text of one cell (UTF-16 code units)


def cell_text(text: str) -> str:
    """Text that fits one Excel cell: longer text is cut to 32,767 characters, the last one an
    ellipsis "…" (an owned cell quoting a user's 32,767-character value plus a message would
    otherwise be over the limit, and Excel repairs the file)."""
    if len(text) <= MAX_CELL_TEXT // 2:
        return text
    units = len(text.encode("utf-16-le")) // 2
    if units <= MAX_CELL_TEXT:
        return text
    cut = text[:MAX_CELL_TEXT - 1]
    while len(cut.encode("utf-16-le", "surrogatepass")) // 2 > MAX_CELL_TEXT - 1:
        cut = cut[:-1]
    return cut + "…"


def esc(text: str) -> str:
    """Escape text for an element or a double-quoted attribute; drop characters XML forbids."""
    if _SPECIAL.search(text) is None:
        return text
    text = _ILLEGAL.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))




_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def parse_ref(ref: str) -> tuple[int, int]:
    """'B12' → (row 12, col 2)."""
    m = _REF.fullmatch(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:F9' → (r1, c1, r2, c2); a single cell is a 1×1 range."""
    a, _, b = ref.partition(":")
    r1, c1 = parse_ref(a)
    r2, c2 = parse_ref(b) if b else (r1, c1)
    return r1, c1, r2, c2


def excel_serial(value: dt.date | dt.datetime, date1904: bool = False) -> float:
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    value = value.replace(tzinfo=None)
    delta = value - base
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def num(v: float | int) -> str:
    """A number as SpreadsheetML writes it (integers without '.0')."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


