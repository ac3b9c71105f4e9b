"""Plan values → what is assigned through xlwings' ``Range.value``.

Excel parses a string assigned to ``Range.Value`` as if typed: "=1+1" becomes a formula, "-x"
or "+x" a formula error, "@x" a function, "0012" the number 12, "2026-01-02" a date. xlwings passes
strings through unchanged (``xlwings/conversion/standard.py`` has no escaping; checked in 0.37.8).
So every non-empty string goes out with a leading apostrophe, which Excel stores as the
"prefix character": the cell holds exactly the text, never a formula (non-negotiable 3).
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
