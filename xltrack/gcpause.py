"""Pause the cyclic garbage collector while a stage builds millions of small objects.

Reading builds one list per row and one object per cell; planning builds one ``Cell`` per
written value and one list per owned-sheet row. Every 700 allocations the collector runs, and
its full passes walk every container made so far, though none of these objects form cycles
(reference counting frees them). Measured (``benchmarks/bench_refresh.py`` breakdown, CPU s):
reading 1.08 → 0.38 s for the 50k Activities sheet; planning 50k 1.07–1.30 → 0.84–0.86 s.
The previous state is restored, and anything cyclic made meanwhile is collected afterwards.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
