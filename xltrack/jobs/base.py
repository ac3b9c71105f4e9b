"""What a job is made of: the :class:`Source` and :class:`Sink` protocols and the typed result.

A **source** yields normalized :class:`~xltrack.tables.Tables` (``read``) and may transform them
or add user-cell writes before compute (``prepare``, optional). A **sink** holds whatever must be
held while the job runs (``hold``: the file lock), applies the :class:`~xltrack.plan.WritePlan`
(``write``) and says in the workbook's language what it did (``describe``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Protocol, runtime_checkable

from ..compute.results import Results
from ..plan import CellWrite, RowWrite, WritePlan
from ..tables import Tables

Progress = Callable[[str], None]


@dataclass(slots=True)
class Prepared:
    """What a source's ``prepare`` hook hands to compute: the (possibly changed) tables, the
    extra ID cells to fill (appended to the plan's ``cells``) and the user rows to write on the
    user's behalf (imported or merged rows: the plan's ``rows``)."""

    tables: Tables
    cells: list[CellWrite] = field(default_factory=list)
    rows: list[RowWrite] = field(default_factory=list)   # user rows written on the user's behalf


@dataclass(slots=True)
class Written:
    """What a sink wrote: the file (None for the open workbook) and the backup kept, if any."""

    path: Path | None = None
    backup: Path | None = None


@runtime_checkable
class Source(Protocol):
    def read(self, *, as_of: dt.date) -> Tables:
        """Read and normalize. Bad data becomes issues; an unreadable source raises."""
        ...


@runtime_checkable
class Sink(Protocol):
    def hold(self, source: Source) -> ContextManager[object]:
        """Entered before the source is read, left after the write (locks live here)."""
        ...

    def write(self, plan: WritePlan, source: Source, *, lang: str) -> Written:
        """Apply ``plan``; the source is passed so a sink can copy what it does not own."""
        ...

    def describe(self, result: "JobResult") -> str:
        """One sentence in the workbook's language: what was done."""
        ...


class NoHold:
    """Mixin for sinks that hold nothing while the job runs."""

    def hold(self, source: Source) -> ContextManager[object]:
        return contextlib.nullcontext()


@dataclass(slots=True)
class JobResult:
    """The one result every job returns."""

    path: Path | None               # the workbook written (None: the open workbook)
    backup: Path | None             # the copy of the previous version, if one was kept
    tables: Tables
    results: Results
    plan: WritePlan
    as_of: dt.date
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)    # projects, red, yellow, green, errors…
    timings: dict[str, float] = field(default_factory=dict)  # read, compute, plan, write (seconds)
    message: str = ""               # the sink's sentence, in the workbook's language

    @property
    def lang(self) -> str:
        return self.tables.lang
