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


def timestamp() -> float:
    """Seconds since the epoch: what robot signatures (钉钉 加签, 飞书 签名校验) are made from."""
    import time

    return time.time()
