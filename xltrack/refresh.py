"""``xltrack refresh``: read → validate → compute → plan → apply → atomic replace.

The one public function :func:`refresh` is what ``xltrack refresh`` (and the nightly job) call.
Safety (see :mod:`xltrack.backends.safe_write`): the workbook is refused while it is open in a
spreadsheet program, two refreshes never interleave, the new file replaces the old atomically and
the old one is kept in ``.xltrack-backups/``. Any failure before the replace leaves the workbook
untouched.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import OutputError, WorkbookUnreadable


@dataclass
class RefreshResult:
    path: Path                  # the workbook written
    backup: Path | None         # the copy of the previous version, if one was kept
    tables: Any                 # xltrack.tables.Tables
    results: Any                # xltrack.compute.results.Results
    plan: Any                   # xltrack.plan.WritePlan
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def refresh(path: str | Path, *, as_of: dt.date | None = None, output: str | Path | None = None,
            backup: bool = True, keep_backups: int = 5,
            progress: Callable[[str], None] | None = None, level: int = -1) -> RefreshResult:
    """Refresh the workbook at ``path`` (in place, or into ``output``) and return what was done.

    ``as_of`` defaults to today. Raises :class:`~xltrack.errors.WorkbookUnreadable` (exit 3),
    :class:`~xltrack.errors.ConfigError` (3), :class:`~xltrack.errors.WorkbookLocked` (4) or
    :class:`~xltrack.errors.OutputError` (5); bad data only becomes issues.
    """
    from .backends.file import apply_plan
    from .backends.safe_write import (atomic_output, check_not_open, clean_stale_temps,
                                      exclusive_lock, make_backup)
    from .compute.api import compute
    from .normalize.api import read_workbook
    from .planner import make_plan

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    step = progress or (lambda _msg: None)
    path = Path(path)
    target = Path(output) if output else path
    if not path.is_file():
        raise WorkbookUnreadable(f"找不到工作簿 / Workbook not found: {path}")
    if target.suffix.lower() != path.suffix.lower():
        # an .xlsm package saved as .xlsx (or the reverse) is refused by Excel
        raise OutputError(f"输出文件须与工作簿扩展名相同（{path.suffix}）/ The output must have the workbook's "
                          f"extension ({path.suffix}): {target.name}")
    as_of = as_of or dt.date.today()
    check_not_open(path)
    if target != path and target.exists():
        check_not_open(target)

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        timings[name] = now - start
        return now

    with exclusive_lock(path):
        clean_stale_temps(target.parent)
        step("read")
        t = time.perf_counter()
        tables = read_workbook(path, as_of=as_of)
        lang = tables.lang
        t = lap("read", t)
        step("compute")
        results = compute(tables, as_of)
        t = lap("compute", t)
        step("plan")
        plan = make_plan(tables, results)
        t = lap("plan", t)
        step("write")
        kept = None
        with atomic_output(target, lang=lang) as tmp:
            apply_plan(path, plan, tmp, level=level, lang=lang)
            if backup and target.exists():
                kept = make_backup(target, keep_backups)
        lap("write", t)
    counts = {k: int(v) for k, v in plan.summary.items() if isinstance(v, (int, float))}
    return RefreshResult(path=target, backup=kept, tables=tables, results=results, plan=plan,
                         seconds=time.perf_counter() - t0, counts=counts, timings=timings)
