"""``run_job``: read → normalize → compute → plan → apply, for every job.

Steps reported to ``progress`` (one call each, in this order): ``read``, ``compute``, ``plan``,
``write``; the same names key :attr:`JobResult.timings`. A sink with a ``deliver(result)`` method
gets the finished :class:`JobResult` before ``describe`` (the robot sink sends its messages there). The sink's ``hold`` is entered before
the read and left after the write, so a file job holds its lock across the whole run.

Test hook between read and write: ``before_write`` (a callable run after the plan is made and
before the sink writes) for tests in the same process; for a test driving the CLI in a
subprocess, the environment variable ``XLTRACK_TEST_PAUSE=DIR`` makes the runner create
``DIR/paused`` at that point and wait until ``DIR/resume`` exists (at most ten minutes). Only
tests set it (``tests/test_jobs.py``).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Callable

from ..compute.api import compute
from ..planner import make_plan
from .base import JobResult, Prepared, Progress, Sink, Source

PAUSE_ENV = "XLTRACK_TEST_PAUSE"


def run_job(source: Source, sink: Sink, *, as_of: dt.date, progress: Progress | None = None,
            period: str = "month", before_write: Callable[[], None] | None = None) -> JobResult:
    """Run one job: ``source`` → compute → plan → ``sink``; return what was done.

    ``as_of`` is required (entry points default it with :func:`xltrack.clock.today`). Errors are
    the source's and the sink's (:mod:`xltrack.errors`); bad data only becomes issues.
    """
    t0 = time.perf_counter()
    step = progress or (lambda _name: None)
    timings: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        timings[name] = now - start
        return now

    with sink.hold(source):
        step("read")
        t = time.perf_counter()
        tables = source.read(as_of=as_of)
        prepare = getattr(source, "prepare", None)
        prepared = prepare(tables, as_of=as_of) if prepare is not None else Prepared(tables)
        tables = prepared.tables
        t = lap("read", t)
        step("compute")
        results = compute(tables, as_of, period=period)
        t = lap("compute", t)
        step("plan")
        plan = make_plan(tables, results)
        plan.cells.extend(prepared.cells)
        plan.rows.extend(prepared.rows)
        t = lap("plan", t)
        if before_write is not None:
            before_write()
        _test_pause()
        step("write")
        written = sink.write(plan, source, lang=tables.lang)
        lap("write", t)
    counts = {k: int(v) for k, v in plan.summary.items() if isinstance(v, (int, float))}
    result = JobResult(path=written.path, backup=written.backup, tables=tables, results=results,
                       plan=plan, as_of=as_of, seconds=time.perf_counter() - t0, counts=counts,
                       timings=timings)
    deliver = getattr(sink, "deliver", None)   # a sink acting on the results (the robot messages)
    if deliver is not None:
        deliver(result)
    result.message = sink.describe(result)
    return result


def _test_pause() -> None:
    folder = os.environ.get(PAUSE_ENV)
    if not folder:
        return
    folder_p = Path(folder)
    (folder_p / "paused").touch()
    deadline = time.monotonic() + 600
    while not (folder_p / "resume").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
