"""The import as a job of the one runner: an :class:`ImportSource` and an :class:`ImportSink`.

:class:`ImportSource` is the workbook file (a :class:`~xltrack.jobs.FileSource`: same
fingerprint, so the sink never replaces a save made meanwhile) whose grids get the source's rows
before they are normalized — imported values go through exactly the validation typed ones do,
and their problems land on the Issues sheet with their new cell addresses. Its ``prepare`` hands
the runner the user cells to write (:class:`~xltrack.plan.RowWrite`); compute, plan and the
refresh of every owned part follow as for ``xltrack refresh``. :class:`ImportSink` is the file
sink (lock, backup, atomic replace) with the import's own sentence.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..i18n import pick
from ..jobs import FileSink, FileSource, Prepared
from ..plan import RowWrite
from ..tables import Tables
from .mapping import HeaderMatch, Mapping
from .source import Source
from .upsert import Upsert, plan_upsert


class _Overlay(AbcMapping):
    """Sheet name → grid: the changed grids, else the workbook's (read lazily)."""

    def __init__(self, base: AbcMapping, changed: dict[str, list[list[Any]]]):
        self.base, self.changed = base, changed

    def __getitem__(self, name: str) -> list[list[Any]]:
        return self.changed[name] if name in self.changed else self.base[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


@dataclass
class Imported:
    """What the import found and planned (before the write)."""

    upserts: list[Upsert] = field(default_factory=list)
    matches: list[tuple[str, HeaderMatch]] = field(default_factory=list)   # (source sheet, header match)
    owners_added: list[str] = field(default_factory=list)
    writes: list[RowWrite] = field(default_factory=list)
    lang: str = "zh"


def _set(grid: list[list[Any]], r: int, c: int, v: Any) -> None:
    while len(grid) < r:
        grid.append([])
    row = grid[r - 1]
    if len(row) < c:
        row.extend([None] * (c - len(row)))
    row[c - 1] = v


class ImportSource(FileSource):
    """The workbook with the source's rows upserted into its grids before normalization."""

    def __init__(self, path, source: Source, matches: list[tuple[str, HeaderMatch]], mapping: Mapping,
                 *, add_owners: bool = False):
        super().__init__(path)
        self.source, self.matches, self.mapping, self.add_owners = source, matches, mapping, add_owners
        self.imported = Imported(matches=matches)

    def load(self, *, as_of: dt.date) -> Tables:
        from ..gcpause import gc_paused
        from ..normalize.api import clean, history_floor, tables_from_grids
        from ..normalize.sheets import find_sheets
        from ..pipeline.config_read import owner_block_end
        from ..read import open_workbook

        with gc_paused(), open_workbook(self.path) as book:
            where = find_sheets(book.sheet_names)
            book.prefetch([where[k] for k in ("projects", "activities", "payments", "config", "history")
                           if k in where])
            base = book.grids(raw=True)
            before = tables_from_grids(base, as_of=as_of, source=self.path)
            lang, pipe = before.lang, before.pipeline
            self.imported.lang = lang
            changed: dict[str, list[list[Any]]] = {}
            floor = history_floor(before.history_rows)
            rows_of = {s.name: s.rows for s in self.source.sheets}
            for sheet_name, match in self.matches:
                info = before.sheets.get(match.target)
                if info is None:
                    continue
                grid = changed.setdefault(info.name, clean(base[info.name]))
                up = plan_upsert(rows_of[sheet_name], match, self.mapping, grid=grid, info=info, pipe=pipe,
                                 lang=lang, as_of=as_of, id_floor=floor)
                for r, cells in up.write.cells.items():
                    for c, v in cells.items():
                        _set(grid, r, c, v)
                self.imported.upserts.append(up)
                self.imported.writes.append(up.write)
            new_owners = list(dict.fromkeys(n for up in self.imported.upserts for n in up.unknown_owners))
            if self.add_owners and new_owners and "config" in where:
                name = where["config"]
                grid = changed.setdefault(name, clean(base[name]))
                spot = owner_block_end(grid, sheet_name=name, lang=lang)
                if spot is not None:
                    last, cols = spot
                    rw = RowWrite(sheet=name, header_row=last)
                    for i, owner in enumerate(new_owners, start=1):
                        _set(grid, last + i, cols["name"], owner)
                        rw.cells[last + i] = {cols["name"]: owner}
                    self.imported.writes.append(rw)
                    self.imported.owners_added = new_owners
            if not any(w.cells for w in self.imported.writes):
                return before
            return tables_from_grids(_Overlay(base, changed), as_of=as_of, source=self.path)

    def prepare(self, tables: Tables, *, as_of: dt.date) -> Prepared:
        return Prepared(tables, rows=list(self.imported.writes))


class ImportSink(FileSink):
    """The file sink, describing the import and then the refresh it included."""

    def __init__(self, source: ImportSource, **kw: Any):
        super().__init__(**kw)
        self.import_source = source

    def describe(self, result) -> str:
        return summary_line(self.import_source.imported) + "\n" + super().describe(result)


def summary_line(imp: Imported) -> str:
    lang = imp.lang
    a = sum(u.added for u in imp.upserts)
    u = sum(x.updated for x in imp.upserts)
    n = sum(x.unchanged for x in imp.upserts)
    r = sum(len(x.rejected) for x in imp.upserts)
    return pick(lang, "导入：新增 {a}，更新 {u}，未变 {n}，拒绝 {r}", "Imported: {a} added, {u} updated, {n} unchanged, {r} rejected",
                a=a, u=u, n=n, r=r)
