"""``xltrack split``: one workbook per owner (or team) holding only their rows.

The job: the team workbook is read once; :mod:`.scope` says which rows each copy gets;
:class:`.split_package.Splitter` cuts the package into per-scope packages (only xltrack's sheets,
only the scope's rows, shared strings rebuilt, the split record added); each of those is then
refreshed like any workbook (the same read → compute → plan → apply job as ``xltrack refresh``,
written atomically), so its summary sheets, History and Issues are computed on its rows alone.
The team workbook is never written.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..errors import OutputError, OutputExists, UsageError, WorkbookUnreadable
from ..i18n import pick
from ..issues import make_issue
from ..jobs.base import Prepared
from ..jobs.file import FileSink, FileSource
from ..pipeline import layout
from ..tables import Tables
from . import scope as S
from .record import core_created, make_record, workbook_id

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class SplitCopy:
    scope: S.Scope
    label: str
    path: Path
    projects: int
    activities: int
    payments: int
    formulas_to_values: int = 0


@dataclass
class SplitResult:
    source: Path
    by: str
    copies: list[SplitCopy] = field(default_factory=list)
    seconds: float = 0.0
    lang: str = "zh"


def copy_name(source: Path, label: str) -> str:
    safe = _UNSAFE.sub("_", label).strip(" .") or "_"
    return f"{source.stem}-{safe}{source.suffix}"


def split(workbook: str | Path, *, by: str = "owner", output_dir: str | Path, only: Sequence[str] = (),
          as_of: dt.date | None = None, force: bool = False,
          progress: Callable[[str], None] | None = None) -> SplitResult:
    """Write one workbook per owner (``by="owner"``) or team (``by="team"``) into ``output_dir``.

    ``only`` restricts it to these owners or teams (names or aliases). Each copy holds the
    scope's Projects rows and the Activities and Payments of those projects, with the team
    workbook's structure, Config, drop-downs, validations, conditional formats and macro, its
    summary sheets computed on its rows, and a split record for :func:`xltrack.merge`.
    Raises UsageError (2) for an unknown name, WorkbookUnreadable/ConfigError (3),
    OutputExists (5) when a copy exists and ``force`` is not set, WorkbookLocked (4) when a copy
    to replace is open.
    """
    from ..backends.file.package import Package, write_package
    from ..backends.safe_write import check_not_open
    from ..clock import today
    from ..jobs.runner import run_job
    from ..normalize.api import read_workbook

    t0 = time.perf_counter()
    say = progress or (lambda _m: None)
    src = Path(workbook)
    if by not in ("owner", "team"):
        raise UsageError(f"--by owner|team, not {by!r}")
    if not src.is_file():
        raise WorkbookUnreadable(f"找不到工作簿 / Workbook not found: {src}")
    as_of = as_of or today()
    out_dir = Path(output_dir)
    say("read")
    tables = read_workbook(src, as_of=as_of)
    lang = tables.lang
    scopes = _chosen(tables, by, only)
    labels = {sc.key: sc.label(lang) for sc in scopes}
    targets = {sc.key: out_dir / copy_name(src, labels[sc.key]) for sc in scopes}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(pick(lang, "无法创建输出文件夹 {d}：{e}", "Cannot create the output folder {d}: {e}",
                               d=out_dir, e=e.strerror or e)) from e
    for target in targets.values():
        if target.exists():
            if not force:
                raise OutputExists(pick(lang, "{p} 已存在（其中可能有尚未合并的修改）；先合并，或加 --force 覆盖。",
                                        "{p} exists (it may hold edits not merged yet); merge it first, or add --force.",
                                        p=target))
            check_not_open(target, lang)

    say("split")
    keys = [sc.key for sc in scopes]
    with Package(src, lang=lang) as pkg:
        created = core_created(pkg.read("docProps/core.xml") if pkg.has("docProps/core.xml") else None)
        ident = {"id": workbook_id(created, tables.pipeline.team, src.name), "name": src.name}
        taken = dt.datetime.now(dt.timezone.utc)
        selections = S.select_all(tables, scopes)
        records = {sc.key: make_record(S.filter_tables(tables, selections[sc.key]), workbook=ident, by=by,
                                       scope=sc.key, as_of=as_of, taken=taken) for sc in scopes}
        splitter = _splitter(pkg, tables, by)
        title = pick(lang, "{t}销售项目跟踪", "{t} pipeline", t=(tables.pipeline.team or src.stem) + " ")
        result = SplitResult(source=src, by=by, lang=lang)
        by_key = {sc.key: sc for sc in scopes}
        for key, p in splitter.copies(keys, title=title.strip(), labels=labels, records=records):
            sc = by_key[key]
            target = targets[sc.key]
            say(labels[sc.key])
            tmp = out_dir / f".~split-{target.stem}.tmp{src.suffix}"
            try:
                write_package(pkg, tmp, replace=p.replace, add=p.add, delete=p.delete)
                source = CopySource(tmp, _team_ids(tables, p.rows))
                run_job(source, FileSink(target, backup=False), as_of=as_of)
            finally:
                tmp.unlink(missing_ok=True)
            sel = selections[sc.key]
            result.copies.append(SplitCopy(sc, labels[sc.key], target, int(sel.projects.sum()),
                                           int(sel.activities.sum()), int(sel.payments.sum()),
                                           p.formulas_to_values))
    result.seconds = time.perf_counter() - t0
    return result


def _team_ids(tables, rows: dict[str, dict[int, int]]) -> dict[int, str]:
    """Copy row -> the ID the team workbook gave the project (assigned when its cell is blank)."""
    info = tables.sheets.get("projects")
    if info is None:
        return {}
    moved = rows.get(info.name, {})
    p = tables.projects
    return {moved[r]: pid for r, pid in zip(p["_row"].astype(int).tolist(), p["id"].tolist())
            if r in moved and isinstance(pid, str)}


class CopySource(FileSource):
    """The scoped package of one copy as a job's source, with one correction before compute: a
    project whose ID cell is blank gets the ID the team workbook assigned it (not the next free
    one of the copy), so the copy and the team agree on it."""

    def __init__(self, path: Path, team_ids: dict[int, str]):
        super().__init__(path)
        self.team_ids = team_ids

    def prepare(self, tables: Tables, *, as_of: dt.date) -> Prepared:
        info = tables.sheets.get("projects")
        p = tables.projects
        for issue in tables.issues:
            if issue.code != "id-assigned" or info is None or issue.sheet != info.name:
                continue
            team_id = self.team_ids.get(int(issue.row or 0))
            if team_id and team_id != issue.normalized:
                p.loc[p["_row"] == issue.row, "id"] = team_id
                fixed = make_issue("id-assigned", tables.lang, sheet=issue.sheet, cell=issue.cell,
                                   field="id", value=None, row=issue.row, normalized=team_id)
                issue.normalized, issue.message = fixed.normalized, fixed.message
        return Prepared(tables)


def _chosen(tables, by: str, only: Sequence[str]) -> list[S.Scope]:
    scopes = S.all_scopes(tables, by)
    if not only:
        return scopes
    chosen: list[S.Scope] = []
    for name in only:
        try:
            sc = S.scope_for(tables.pipeline, name, by)   # type: ignore[arg-type]
        except S.ScopeError:
            known = [s.key for s in scopes if not s.unassigned]
            raise UsageError(pick(tables.lang, "设置表上没有{w}“{n}”（有：{k}）",
                                  "No {w} “{n}” on the Config sheet (known: {k})",
                                  w=pick(tables.lang, "负责人" if by == "owner" else "团队",
                                         "owner" if by == "owner" else "team"),
                                  n=name, k=", ".join(known))) from None
        if sc not in chosen:
            chosen.append(sc)
    return chosen


def _splitter(pkg, tables, by: str):
    from .split_package import SheetPlan, Splitter
    from .rows import ALL

    lang = tables.lang
    by_id_keys = {
        "projects": S.project_keys(tables, by),
        "activities": S.activity_keys(tables, by),
        "payments": S.payment_keys(tables, by),
    }
    plans: list[SheetPlan] = []
    user = set()
    for key, keys in by_id_keys.items():
        info = tables.sheets.get(key)
        if info is None:
            continue
        frame = getattr(tables, key)
        plans.append(SheetPlan(info.name, "", "rows", info.header_row,
                               dict(zip(frame["_row"].astype(int).tolist(), keys.tolist()))))
        user.add(info.name)
    names = set(tables.sheet_names)
    for sheet in layout().sheets:
        name = sheet.name(lang)
        if name not in names or name in user:
            continue
        if sheet.key == "history":
            rows = {r: (ALL if k == S.EVERY else k) for r, k in S.history_row_keys(tables, by).items()}
            plans.append(SheetPlan(name, "", "rows", 1, rows))
        elif sheet.kind == "owned":
            plans.append(SheetPlan(name, "", "empty"))
        else:   # config, guide
            plans.append(SheetPlan(name, "", "keep"))
    plans.append(SheetPlan("xlwings.conf", "", "keep"))
    return Splitter(pkg, plans)
