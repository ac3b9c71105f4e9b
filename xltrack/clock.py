"""The one place the library reads the clock.

The pure middle (normalize, compute, planner, sheets, report) takes ``as_of`` as a parameter and
never reads the clock (tests/test_import_boundaries.py checks it). Entry points that do I/O —
``xltrack.report(path)`` and friends — call :func:`today` when the caller gives no date.
"""
from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Today's date on this machine (local time)."""
    return dt.date.today()
