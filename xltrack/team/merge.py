"""``xltrack merge``: bring the edits of split copies back into the team workbook.

The job, through the one runner (:func:`xltrack.jobs.run_job`): :class:`MergeSource` reads the
team workbook, checks and reads every copy (its split record must come from this workbook), works
out the three-way merge (:mod:`.merge_plan`), writes the merged user cells into a temporary
package (:class:`~xltrack.plan.RowWrite`: only those cells change; new rows take the formatting
of the row above, the Excel table and its drop-downs grow) and hands that package on as the
source; the refresh that follows recomputes lights, summary sheets, History and Issues on the
merged rows and adds the merge's notes (conflicts with both values, rows deleted in a copy, rows
handed to another owner) to the Issues sheet. The :class:`~xltrack.jobs.FileSink` replaces the
team workbook atomically, keeps a backup, and — like refresh — writes nothing if someone saved
the team workbook after it was read.

Nothing is written when the copies bring no change (merging the same copy twice changes nothing),
nor with ``dry_run``.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..errors import WorkbookUnreadable, XltrackError, EXIT_UNREADABLE
from ..i18n import pick
from ..jobs.base import JobResult
from ..jobs.file import FileSink, FileSource
from ..tables import Tables
from .merge_plan import MergeOutcome, plan_merge
from .record import SplitRecord, core_created, find_record, workbook_id

COPY_SUFFIXES = (".xlsx", ".xlsm")


class CopyRefused(XltrackError):
    """A file given to merge is not a split copy of this workbook (exit 3; nothing written)."""

    exit_code = EXIT_UNREADABLE


@dataclass
class MergeResult:
    workbook: Path
    copies: list[Path]
    outcome: MergeOutcome
    dry_run: bool
    written: bool
    job: JobResult | None = None
    backup: Path | None = None
    seconds: float = 0.0
    lang: str = "zh"
    records: list[SplitRecord] = field(default_factory=list)


def copy_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, and the workbooks inside the folders named (sorted; lock files of open
    workbooks and xltrack's temporary files left out)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in COPY_SUFFIXES
                          and not f.name.startswith(("~$", ".~")) and f.is_file())
        else:
            out.append(p)
    return out


def read_record(path: Path, lang: str) -> SplitRecord:
    from ..backends.file.package import Package

    with Package(path, lang=lang) as pkg:
        items = {n: pkg.read(n) for n in pkg.names if n.startswith("customXml/item") and "Props" not in n}
    rec = find_record(items)
    if rec is None:
        raise CopyRefused(pick(lang, "{p} 不是 xltrack split 生成的副本（没有拆分记录），未写入任何内容。",
                               "{p} is not a copy made by xltrack split (it has no split record); nothing was written.",
                               p=path.name))
    return rec


def team_identity(path: Path, tables: Tables) -> str:
    from ..backends.file.package import Package

    with Package(path, lang=tables.lang) as pkg:
        core = pkg.read("docProps/core.xml") if pkg.has("docProps/core.xml") else None
    return workbook_id(core_created(core), tables.pipeline.team, path.name)


class MergeSource(FileSource):
    """The team workbook with the copies' edits, as the runner's source (see the module doc).

    After :meth:`read`, ``path`` is the temporary package holding the merged cells (the sink
    applies the refresh onto it) while :meth:`check_unchanged` and the backup check still guard
    the team workbook itself, against the version read first."""

    def __init__(self, team: Path, copies: list[Path], *, dry_run: bool = False):
        super().__init__(team)
        self.team = Path(team)
        self.copies = copies
        self.dry_run = dry_run
        self.outcome = MergeOutcome()
        self.records: list[SplitRecord] = []
        self.tmp: Path | None = None

    def read(self, *, as_of: dt.date) -> Tables:
        from ..backends.safe_write import check_not_open
        from ..normalize.api import read_workbook

        team_tables = super().read(as_of=as_of)
        lang = team_tables.lang
        ident = team_identity(self.team, team_tables)
        loaded: list[tuple[str, Tables, SplitRecord]] = []
        for c in self.copies:            # every copy is checked before anything is written
            if not c.is_file():
                raise WorkbookUnreadable(pick(lang, "找不到副本 {p}", "Copy not found: {p}", p=c))
            if c.resolve() == self.team.resolve():
                raise CopyRefused(pick(lang, "{p} 是团队工作簿本身，不是副本；未写入任何内容。",
                                       "{p} is the team workbook itself, not a copy; nothing was written.", p=c.name))
            check_not_open(c, lang)
            rec = read_record(c, lang)
            if rec.workbook.get("id") != ident:
                raise CopyRefused(pick(
                    lang, "{p} 拆分自另一个工作簿（{o}），不是 {t}；未写入任何内容。",
                    "{p} was split from another workbook ({o}), not from {t}; nothing was written.",
                    p=c.name, o=rec.workbook.get("name", "?"), t=self.team.name))
            loaded.append((c.name, read_workbook(c, as_of=as_of), rec))
            self.records.append(rec)
        self.outcome = plan_merge(team_tables, loaded)
        if self.dry_run or not self.outcome.writes:
            team_tables.issues.extend(self.outcome.issues)
            return team_tables
        self.tmp = _merged_package(self.team, team_tables, self.outcome)
        self.path = self.tmp
        merged = read_workbook(self.tmp, as_of=as_of)
        merged.issues.extend(self.outcome.issues)
        return merged

    def check_unchanged(self, lang: str) -> None:
        from ..backends.safe_write import check_unchanged

        assert self.fingerprint is not None, "read() first"
        check_unchanged(self.team, self.fingerprint, lang)

    def cleanup(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


def _merged_package(team: Path, tables: Tables, outcome: MergeOutcome) -> Path:
    """A temporary copy of the team package with the merged user cells written."""
    from ..backends.file import apply_plan
    from ..plan import RowWrite, WritePlan

    header = {info.name: info.header_row for info in tables.sheets.values()}
    rows = [RowWrite(sheet=name, header_row=header.get(name, 1), cells=cells,
                     last_row=outcome.last_rows.get(name, 0)) for name, cells in outcome.writes.items()]
    fd, name = tempfile.mkstemp(prefix=".~merge-", suffix=team.suffix, dir=team.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        apply_plan(team, WritePlan(rows=rows), tmp, lang=tables.lang)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def merge(workbook: str | Path, copies: Sequence[str | Path], *, dry_run: bool = False,
          as_of: dt.date | None = None, backup: bool = True,
          progress: Callable[[str], None] | None = None) -> MergeResult:
    """Merge the split copies (files, or folders of them) back into ``workbook``.

    Raises CopyRefused (exit 3: a file without a split record, or split from another workbook;
    nothing written), WorkbookUnreadable/ConfigError (3), WorkbookLocked (4: the team workbook or
    a copy is open, or the team workbook was saved meanwhile), OutputError (5).
    """
    from ..clock import today
    from ..jobs.runner import run_job

    t0 = time.perf_counter()
    team = Path(workbook)
    files = copy_files(copies)
    if not files:
        raise WorkbookUnreadable(pick("zh", "没有可合并的副本（.xlsx/.xlsm）：{p}",
                                      "No copies (.xlsx/.xlsm) to merge in: {p}",
                                      p=", ".join(map(str, copies))))
    as_of = as_of or today()
    source = MergeSource(team, files, dry_run=dry_run)
    sink = _MergeSink(team, backup=backup, source=source)
    try:
        job = run_job(source, sink, as_of=as_of, progress=progress)
    finally:
        source.cleanup()
    written = sink.written
    return MergeResult(workbook=team, copies=files, outcome=source.outcome, dry_run=dry_run,
                       written=written, job=job if written else None,
                       backup=job.backup if written else None, seconds=time.perf_counter() - t0,
                       lang=job.tables.lang, records=source.records)


class _MergeSink(FileSink):
    """The file sink onto the team workbook, which writes nothing for a dry run or when the
    copies bring no change."""

    def __init__(self, team: Path, *, backup: bool, source: MergeSource):
        super().__init__(team, backup=backup)
        self.source = source
        self.written = False

    def write(self, plan, source, *, lang):
        from ..jobs.base import Written

        if self.source.dry_run or not self.source.outcome.writes:
            return Written()
        self.written = True
        return super().write(plan, source, lang=lang)

    def describe(self, result: JobResult) -> str:
        return ""
