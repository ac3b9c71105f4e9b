"""Writing one python value into one cell, by its type, never turning text into a formula."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Formula:
    """A formula with its cached value (e.g. ``=NA()`` showing ``#N/A``) — demo data only."""

    text: str
    cached: Any = 0


def write_value(ws: Any, row: int, col: int, value: Any, fmt: Any = None, date_fmt: Any = None) -> None:
    """Write ``value`` at 0-based (row, col).

    Strings always go through ``write_string`` (so "=1+1" or "-5" typed by a user stays text,
    non-negotiable 3); dates get ``date_fmt``; ``None`` leaves the cell to its column format.
    """
    if value is None:
        return
    if isinstance(value, Formula):
        ws.write_formula(row, col, value.text, fmt, value.cached)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, date_fmt or fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), date_fmt or fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)
