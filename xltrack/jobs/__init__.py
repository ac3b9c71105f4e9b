"""The one job runner: every job is a source and a sink run through :func:`run_job`.

``run_job(source, sink, *, as_of)`` owns the order read → normalize → compute → plan → apply,
progress, timings and the typed :class:`JobResult`. A job differs from another only in its
source (where the tables come from) and its sink (where the write plan goes):

* :class:`FileSource` / :class:`FileSink` — a workbook file (``xltrack refresh``, the nightly job);
  the sink holds the lock, keeps the backup, replaces atomically and never loses a save;
* :class:`BookSource` / :class:`BookSink` — the open workbook through xlwings (the Excel button).

See ``docs/architecture.md`` for how a new job plugs in.
"""
from __future__ import annotations

from .base import JobResult, Prepared, Sink, Source, Written
from .file import FileSink, FileSource
from .runner import PAUSE_ENV, run_job

__all__ = ["JobResult", "Prepared", "Sink", "Source", "Written", "FileSink", "FileSource",
           "PAUSE_ENV", "run_job", "BookSink", "BookSource"]


def __getattr__(name: str):
    if name in ("BookSource", "BookSink"):   # the live workbook: only the Excel button needs it
        from . import book
        return getattr(book, name)
    raise AttributeError(f"module 'xltrack.jobs' has no attribute {name!r}")
