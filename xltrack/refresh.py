"""``xltrack refresh``: the workbook file as the source and the sink of one job.

:func:`refresh` is what ``xltrack refresh`` calls: :func:`xltrack.jobs.run_job` with a
:class:`~xltrack.jobs.FileSource` and a :class:`~xltrack.jobs.FileSink`. Safety (see
:mod:`xltrack.jobs.file` and :mod:`xltrack.backends.safe_write`): the workbook is refused while it
is open in a spreadsheet program, two refreshes never interleave, a save made by someone else
meanwhile is never overwritten, the new file replaces the old atomically and the old one is kept
in ``.xltrack-backups/``. Any failure before the replace leaves the workbook untouched.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from .jobs.base import JobResult


def refresh(path: str | Path, *, as_of: dt.date | None = None, output: str | Path | None = None,
            backup: bool = True, keep_backups: int = 5,
            progress: Callable[[str], None] | None = None, level: int = -1,
            before_write: Callable[[], None] | None = None) -> JobResult:
    """Refresh the workbook at ``path`` (in place, or into ``output``) and return what was done.

    ``as_of`` defaults to today. Raises :class:`~xltrack.errors.WorkbookUnreadable` (exit 3),
    :class:`~xltrack.errors.ConfigError` (3), :class:`~xltrack.errors.WorkbookLocked` (4; its
    subclass :class:`~xltrack.errors.WorkbookChanged` when someone saved the workbook meanwhile)
    or :class:`~xltrack.errors.OutputError` (5); bad data only becomes issues. ``before_write``
    is the runner's test hook between read and write (see :mod:`xltrack.jobs.runner`).
    """
    from .clock import today
    from .jobs.file import FileSink, FileSource
    from .jobs.runner import run_job

    sink = FileSink(output, backup=backup, keep_backups=keep_backups, level=level)
    return run_job(FileSource(path), sink, as_of=as_of or today(), progress=progress,
                   before_write=before_write)
