"""The workbook file as a job's source and sink (``xltrack refresh``, the nightly job).

:class:`FileSource` reads and normalizes the file and remembers exactly which version it read
(:class:`~xltrack.backends.safe_write.Fingerprint`: size, ``mtime_ns``, a hash of the bytes,
taken right before the read and confirmed right after it). :class:`FileSink` holds the lock
for the whole job, writes the new package to a temporary file, keeps a backup **of the version
that was read** (checked against the fingerprint), and immediately before ``os.replace`` checks
again that the file is still that version. If someone saved meanwhile it writes nothing, keeps
their version and raises :class:`~xltrack.errors.WorkbookChanged` (exit 4): a rerun picks up
their save.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Iterator

from ..backends.file import apply_plan
from ..backends.safe_write import (Fingerprint, atomic_output, changed_meanwhile, check_not_open,
                                   check_unchanged, clean_stale_temps, exclusive_lock, make_backup)
from ..errors import OutputError, WorkbookUnreadable
from ..i18n import pick
from ..plan import WritePlan
from ..tables import Tables
from .base import JobResult, Written


class FileSource:
    """A workbook file (.xlsx/.xlsm). After :meth:`read`, ``fingerprint`` is the version read."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.fingerprint: Fingerprint | None = None

    def read(self, *, as_of: dt.date) -> Tables:
        _require_file(self.path)
        fp = Fingerprint.of(self.path)
        tables = self.load(as_of=as_of)
        if not fp.same_stat(self.path):      # saved while we were reading it: what we read is a mix
            raise changed_meanwhile(self.path, tables.lang)
        self.fingerprint = fp
        return tables

    def load(self, *, as_of: dt.date) -> Tables:
        """Read and normalize the file (a subclass may change the grids first: ``xltrack import``)."""
        from ..normalize.api import read_workbook

        return read_workbook(self.path, as_of=as_of)

    def check_unchanged(self, lang: str) -> None:
        """Raise :class:`~xltrack.errors.WorkbookChanged` unless the file is the version read."""
        assert self.fingerprint is not None, "read() first"
        check_unchanged(self.path, self.fingerprint, lang)


class FileSink:
    """Writes the plan into the source's package: into ``target`` (default: the source file
    itself, replaced atomically) with a backup of the previous version in ``.xltrack-backups/``."""

    def __init__(self, target: str | Path | None = None, *, backup: bool = True, keep_backups: int = 5,
                 level: int = -1):
        self.target = Path(target) if target is not None else None
        self.backup = backup
        self.keep_backups = keep_backups
        self.level = level

    def _target(self, source: FileSource) -> Path:
        return self.target if self.target is not None else source.path

    @contextlib.contextmanager
    def hold(self, source: FileSource) -> Iterator[None]:
        path, target = source.path, self._target(source)
        _require_file(path)
        if target.suffix.lower() != path.suffix.lower():
            # an .xlsm package saved as .xlsx (or the reverse) is refused by Excel
            raise OutputError(f"输出文件须与工作簿扩展名相同（{path.suffix}）/ The output must have the "
                              f"workbook's extension ({path.suffix}): {target.name}")
        check_not_open(path)
        if target != path and target.exists():
            check_not_open(target)
        with exclusive_lock(path):
            clean_stale_temps(target.parent)
            yield

    def write(self, plan: WritePlan, source: FileSource, *, lang: str) -> Written:
        target = self._target(source)
        in_place = target == source.path
        kept = None

        def still_the_version_read() -> None:
            source.check_unchanged(lang)

        with atomic_output(target, lang=lang, before_replace=still_the_version_read) as tmp:
            apply_plan(source.path, plan, tmp, level=self.level, lang=lang)
            if self.backup and target.exists():
                kept = make_backup(target, self.keep_backups, lang=lang)
                if in_place and kept is not None and not source.fingerprint.matches(kept):
                    kept.unlink()           # a backup of someone else's save is not ours to keep
                    raise changed_meanwhile(target, lang)
        return Written(path=target, backup=kept)

    def describe(self, result: JobResult) -> str:
        c, lang = result.counts, result.lang
        ids = (pick(lang, "，新分配编号 {k} 个", ", {k} IDs assigned", k=c["ids_assigned"])
               if c.get("ids_assigned") else "")
        return pick(lang, "已刷新 {p}：{n} 个项目，红 {r} / 黄 {y} / 绿 {g}，数据问题 {e} 个错误、{w} 个警告{ids}（{s:.2f} 秒）",
                    "Refreshed {p}: {n} projects, {r} red / {y} yellow / {g} green, data issues: {e} errors, {w} warnings{ids} ({s:.2f} s)",
                    p=result.path, n=c.get("projects", 0), r=c.get("red", 0), y=c.get("yellow", 0),
                    g=c.get("green", 0), e=c.get("errors", 0), w=c.get("warnings", 0), s=result.seconds,
                    ids=ids)



def _require_file(path: Path) -> None:
    if path.exists() and not path.is_file():      # a folder, or a FIFO that would block the read
        from ..read.sniff import sniff
        sniff(path)
    if not path.is_file():
        raise WorkbookUnreadable(f"找不到工作簿 / Workbook not found: {path}")
