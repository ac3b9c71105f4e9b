"""The open workbook (through xlwings) as a job's source and sink: the Excel button.

:class:`BookSource` reads each input sheet's grid (:mod:`xltrack.backends.live.read`) and
normalizes it with the same ``tables_from_grids`` the file reader ends in; :class:`BookSink`
applies the plan live (:func:`xltrack.backends.live.apply_plan_to_book`), handing the grids back
so an assigned ID only ever lands in a cell that was empty. Nothing is saved: the user saves.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from ..i18n import pick
from ..plan import WritePlan
from ..tables import Tables
from .base import JobResult, NoHold, Written


class BookSource:
    """The open ``book`` (an ``xlwings.Book``). After :meth:`read`: ``grids``, ``sheets``, ``lang``."""

    def __init__(self, book: Any):
        self.book = book
        self.grids: dict[str, list[list[Any]]] = {}
        self.sheets: dict[str, Any] = {}
        self.lang = "zh"

    def read(self, *, as_of: dt.date) -> Tables:
        from ..backends.live.read import read_grids, sheets_by_name
        from ..normalize.api import tables_from_grids

        self.sheets = sheets_by_name(self.book)
        self.grids = read_grids(self.book, sheets=self.sheets)
        tables = tables_from_grids(self.grids, as_of=as_of, source=None)
        self.lang = tables.lang
        return tables


class BookSink(NoHold):
    """Writes the plan into the open workbook; ``progress`` hears each sheet written."""

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress

    def write(self, plan: WritePlan, source: BookSource, *, lang: str) -> Written:
        from ..backends.live.apply import apply_plan_to_book

        say = self.progress
        apply_plan_to_book(source.book, plan, grids=source.grids, sheets=source.sheets,
                           progress=(lambda m: say(pick(lang, "xltrack：写入 ", "xltrack: writing ") + m))
                           if say else None)
        return Written()

    def describe(self, result: JobResult) -> str:
        c = result.counts
        return pick(result.lang,
                    "已刷新（{as_of}）：{n} 个项目，红 {r} / 黄 {y} / 绿 {g}；数据问题 {i} 个（错误 {e}）。用时 {t} 秒。",
                    "Refreshed ({as_of}): {n} projects, {r} red / {y} yellow / {g} green; {i} data issues ({e} errors). {t} s.",
                    as_of=result.as_of.isoformat(), n=c.get("projects", 0), r=c.get("red", 0),
                    y=c.get("yellow", 0), g=c.get("green", 0), i=len(result.tables.issues),
                    e=c.get("errors", 0), t=round(result.seconds, 2))
