"""User cells written on the user's behalf (:class:`xltrack.plan.RowWrite`: import, merge).

Three things, all in bytes so the rest of the sheet stays as it was:

* :func:`row_cells` — the ``<c>`` elements: a cell of an existing row keeps its style index; a
  cell of a new row takes the style of the same column in the last data row above it (else the
  column's ``<col style>``). A date lands as a date serial; if the inherited style is not a date
  format, the default date format is used so it does not show as a number.
* :func:`stretch_sheet` — the data validations and conditional formats (``sqref``, also the
  Excel-2010 ``<xm:sqref>`` ones, and absolute ranges in validation formulas) that reach the
  table's last row grow to the new last row;
* :func:`stretch_table` — the Excel table's ``ref`` (and its autofilter) grows likewise.
"""
from __future__ import annotations

import datetime as dt
import re

from ...plan import Cell, RowWrite, Style
from .cells import DEFAULT_DATE_FORMAT, CellWriter
from .styles import StyleBook
from .xmlutil import col_index, col_letter

_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"[^>]*?(/>|>)")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)/?>")
_R = re.compile(rb'\sr="([A-Z]+)\d+"')
_S = re.compile(rb'\ss="(\d+)"')
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_RANGE = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)(?::(\$?)([A-Z]{1,3})(\$?)(\d+))?")


def _row_styles(xml: bytes, wanted: set[int], below: int) -> tuple[dict[int, dict[int, int]], int]:
    """Style index per column of the ``wanted`` rows, and the last row (> ``below``) holding a cell."""
    out: dict[int, dict[int, int]] = {}
    last = 0
    for m in _ROW.finditer(xml):
        r = int(m.group(1))
        if m.group(2) == b"/>":
            continue
        end = xml.find(b"row>", m.end())
        body = xml[m.end():end]
        if r > below and b"<" in body:
            last = max(last, r)
        if r in wanted:
            styles: dict[int, int] = {}
            for c in _CELL.finditer(body):
                ref, s = _R.search(c.group(1)), _S.search(c.group(1))
                if ref and s:
                    styles[col_index(ref.group(1).decode())] = int(s.group(1))
            out[r] = styles
    return out, last


def _col_styles(xml: bytes) -> dict[int, int]:
    out: dict[int, int] = {}
    for m in _COL.finditer(xml[:xml.find(b"sheetData")]):
        a = {k.decode(): v.decode() for k, v in _ATTR.findall(m.group(1))}
        if "style" in a and "min" in a and "max" in a:
            for c in range(int(a["min"]), min(int(a["max"]), 16384) + 1):
                out[c] = int(a["style"])
    return out


class _Elements:
    """``<c>`` elements with a given style index; the value part is built once per distinct value
    (a date, a stage, an owner repeat down a column), like the refresh's computed cells."""

    def __init__(self, cw: CellWriter):
        self.cw = cw
        self.tails: dict[tuple, str | None] = {}

    def element(self, ref: str, v: object, s: int | None) -> str | None:
        key = (v.__class__, v)
        try:
            tail = self.tails[key]
        except KeyError:
            tail = self.cw.tail(Cell(v))
            if tail is not None and tail.startswith('" s="'):   # a date's default format gives way
                tail = '"' + tail[tail.index('"', 5) + 1:]
            self.tails[key] = tail
        except TypeError:
            tail = self.cw.tail(Cell(v))
        attr = f' s="{s}"' if s else ""
        if tail is None:
            return f'{self.cw.open}{ref}"{attr}/>' if attr else None
        return f"{self.cw.open}{ref}\"{attr}{tail[1:]}"


def row_cells(xml: bytes, rw: RowWrite, cw: CellWriter, styles: StyleBook,
              header_row: int) -> tuple[dict[int, dict[int, str | None]], int]:
    """The elements to write (``cells[row][col]``) and the sheet's last data row before the write."""
    rows = set(rw.cells)
    existing, last = _row_styles(xml, rows, header_row)
    if last > header_row and last not in existing:
        existing.update(_row_styles(xml, {last}, header_row)[0])
    template = existing.get(last, {}) if last > header_row else {}
    cols = _col_styles(xml)
    date_xf: int | None = None
    is_date: dict[int | None, bool] = {None: False, 0: False}
    make = _Elements(cw)
    out: dict[int, dict[int, str | None]] = {}
    for r, values in rw.cells.items():
        mine = existing.get(r)
        row_out = out.setdefault(r, {})
        for c, v in values.items():
            if mine is not None and c in mine:
                s: int | None = mine[c]
            else:
                s = template.get(c, cols.get(c))
            if isinstance(v, (dt.date, dt.datetime)):
                d = is_date.get(s)
                if d is None:
                    d = is_date[s] = styles.is_date_xf(s)
                if not d:
                    if date_xf is None:
                        date_xf = styles.xf_for(Style(num_format=DEFAULT_DATE_FORMAT))
                    s = date_xf
            row_out[c] = make.element(f"{col_letter(c)}{r}", v, s)
    return out, last


def _stretch_ref(text: str, old_end: int, new_end: int) -> str:
    """Every range in ``text`` that reaches ``old_end`` (and starts at or above it) and ends above
    ``new_end`` now ends at ``new_end``."""
    def grow(m: re.Match) -> str:
        if m.group(6) is None:
            return m.group(0)
        r1, r2 = int(m.group(4)), int(m.group(8))
        if not (r1 <= old_end <= r2 < new_end):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(4)}:{m.group(5)}{m.group(6)}{m.group(7)}{new_end}"
    return _RANGE.sub(grow, text)


_SQREF = re.compile(rb'(\ssqref=")([^"]*)(")')
_XM_SQREF = re.compile(rb"(<xm:sqref>)([^<]*)(</xm:sqref>)")
_DV = re.compile(rb"<(?:\w+:)?dataValidation\b.*?</(?:\w+:)?dataValidation>", re.S)
_FORMULA = re.compile(rb"(<(?:\w+:)?formula[12]?>|<xm:f>)([^<]*)(</)")


def stretch_sheet(xml: bytes, old_end: int, new_end: int) -> bytes:
    """Validations and conditional formats after ``<sheetData>`` that reach ``old_end`` grow."""
    if new_end <= old_end:
        return xml
    at = xml.find(b"sheetData>", xml.find(b"<sheetData") + 1 if b"<sheetData" in xml else 0)
    at = max(at, 0)
    head, tail = xml[:at], xml[at:]

    def refs(m: re.Match) -> bytes:
        return m.group(1) + _stretch_ref(m.group(2).decode(), old_end, new_end).encode() + m.group(3)

    def dv(m: re.Match) -> bytes:
        return _FORMULA.sub(refs, m.group(0))

    tail = _SQREF.sub(refs, tail)
    tail = _XM_SQREF.sub(refs, tail)
    tail = _DV.sub(dv, tail)
    return head + tail


_TABLE_REF = re.compile(rb'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")([^"]*)(")')


def stretch_table(xml: bytes, header_row: int, new_end: int) -> bytes | None:
    """The table part with its range grown to ``new_end``, or None when it need not change (a
    table not headed on ``header_row``, one already reaching ``new_end``, or one with a totals
    row, which would have to move)."""
    m = _TABLE_REF.search(xml)
    if m is None or re.search(rb'totalsRowCount="[1-9]', xml[:xml.find(b">", m.start())]):
        return None
    rng = _RANGE.fullmatch(m.group(2).decode())
    if rng is None or rng.group(6) is None or int(rng.group(4)) != header_row or int(rng.group(8)) >= new_end:
        return None
    old_end = int(rng.group(8))

    def grow(x: re.Match) -> bytes:
        return x.group(1) + _stretch_ref(x.group(2).decode(), old_end, new_end).encode() + x.group(3)

    return _TABLE_REF.sub(grow, xml)
