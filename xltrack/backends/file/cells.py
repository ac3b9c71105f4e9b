"""One plan cell → one ``<c>`` element (bytes), with the value typed as SpreadsheetML wants it.

Numbers are numbers, dates are serial numbers with a date format, booleans ``t="b"``, and text is
always an inline string (``t="inlineStr"``): it can never become a formula, whatever it begins
with (= + - @), and ``sharedStrings.xml`` stays untouched.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import numbers

from ...plan import Cell, Style
from .styles import StyleBook
from .xmlutil import esc, excel_serial, num

DEFAULT_DATE_FORMAT = "yyyy-mm-dd"


class CellWriter:
    def __init__(self, styles: StyleBook, *, date1904: bool = False, prefix: str = ""):
        self.styles = styles
        self.date1904 = date1904
        self.p = prefix
        self._attrs: dict[int, tuple[Style | None, str]] = {}   # id(style) → (style, ' s="N"')

    def style_attr(self, style: Style | None) -> str:
        if style is None:
            return ""
        hit = self._attrs.get(id(style))
        if hit is None or hit[0] is not style:   # plans share style objects: hash once per object
            xf = self.styles.xf_for(style)
            hit = (style, f' s="{xf}"' if xf else "")
            self._attrs[id(style)] = hit
        return hit[1]

    def xml(self, ref: str, cell: Cell | None) -> str | None:
        """The ``<c>`` element, or None when the cell is empty and unstyled (no element)."""
        if cell is None:
            return None
        v, style, p = cell.value, cell.style, self.p
        t = type(v)
        if t is str:
            if v:
                text = esc(v)
                space = ' xml:space="preserve"' if text[0] in " \t\n" or text[-1] in " \t\n" else ""
                return (f'<{p}c r="{ref}"{self.style_attr(style)} t="inlineStr"><{p}is><{p}t{space}>{text}'
                        f'</{p}t></{p}is></{p}c>')
            v = None
        elif t is int or t is float:
            if t is int or math.isfinite(v):
                return f'<{p}c r="{ref}"{self.style_attr(style)}><{p}v>{num(v)}</{p}v></{p}c>'
            v = None
        elif v is not None:
            if isinstance(v, numbers.Real) and not isinstance(v, bool):
                v = float(v) if math.isfinite(float(v)) else None   # numpy scalars, NaN
                if v is not None:
                    return self.xml(ref, Cell(v, style))
            elif v != v:
                v = None        # NaT
        if isinstance(v, (dt.date, dt.datetime)):
            if style is None or not style.num_format:
                fmt = DEFAULT_DATE_FORMAT if not isinstance(v, dt.datetime) else DEFAULT_DATE_FORMAT + " hh:mm"
                style = dataclasses.replace(style or Style(), num_format=fmt)
            return f'<{p}c r="{ref}"{self.style_attr(style)}><{p}v>{num(excel_serial(v, self.date1904))}</{p}v></{p}c>'
        s = self.style_attr(style)
        if isinstance(v, bool):
            return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(v)}</{p}v></{p}c>'
        if v is not None:
            return f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t>{esc(str(v))}</{p}t></{p}is></{p}c>'
        return f'<{p}c r="{ref}"{s}/>' if s else None
