"""Plan values → what is assigned through xlwings' ``Range.value``.

Excel parses a string assigned to ``Range.Value`` as if typed: "=1+1" becomes a formula, "-x"
or "+x" a formula error, "@x" a function, "0012" the number 12, "2026-01-02" a date. xlwings passes
strings through unchanged (``xlwings/conversion/standard.py`` has no escaping; checked in 0.37.8).
So every non-empty string goes out with a leading apostrophe, which Excel stores as the
"prefix character": the cell holds exactly the text, never a formula (non-negotiable 3).

The one formula xltrack writes itself is ``HYPERLINK`` for the owned sheets' links (risk list →
project row, issues → cell): assigned in the same block as the values, a link costs no extra call,
where ``Range.add_hyperlink`` would cost one call per link. The text shown is a string *literal*
inside the formula (quotes doubled), so it can never be evaluated; Excel caps such a literal at 255
characters, so a longer text is written as plain text without the link.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any


def to_excel(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str):
        return "'" + v if v else None
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return v


def hyperlink_formula(link: str, value: Any) -> Any:
    """``=HYPERLINK("#'项目跟踪'!A12","P-0012")`` for a linked owned-sheet cell (see the module doc)."""
    shown = value if value is not None else link
    if isinstance(shown, bool) or not isinstance(shown, (str, int, float)):
        shown = str(shown)
    if isinstance(shown, str):
        if len(shown) > 255 or len(link) > 255:
            return to_excel(value)
        shown = '"' + shown.replace('"', '""') + '"'
    elif isinstance(shown, float) and (math.isnan(shown) or math.isinf(shown)):
        return to_excel(value)
    return f'=HYPERLINK("{link.replace(chr(34), chr(34) * 2)}",{shown})'
