"""Public functions: workbook or grids in, normalized :class:`~xltrack.tables.Tables` out.

``tables_from_grids`` is the one place normalization happens; it never touches a file, so the
file path (``read_workbook``/``validate``) and the live Excel backend (grids read through xlwings)
produce identical tables and issues.

Speed (issues 3 and 5). ``read_workbook`` on the demo workbooks of ``benchmarks/bench_refresh.py``
(10,000 projects / 99,925 activities / 7,827 payments, 3.6 MB; 50,000 / 499,625 / 39,135,
18 MB), each run in a fresh process, this 2-core VM shared with other jobs (wall seconds swing
with their load; CPU seconds, threads included, are the steadier figure):

==========  ================================  ================================  ==========
size        before (d485391)                  after                             peak MiB
==========  ================================  ================================  ==========
10k         0.96–1.21 s wall, 1.21–1.33 s CPU  0.90–1.05 s wall, 0.92–1.06 s CPU  219 → 222
50k         5.25–6.34 s wall, 7.07–7.54 s CPU  3.86–4.85 s wall, 4.95–4.98 s CPU  703 → 717
==========  ================================  ================================  ==========

(three and two alternating runs, load ≈ 1.8; about −20 % CPU at 10k and −33 % at 50k, where the
garbage collector's full passes over millions of cells cost most.)

Where the time goes now (CPU seconds at 50k): python-calamine parses the three user sheets in
2.36 s and builds their Python values in 0.61 s — more than half, holding the GIL throughout; the
error-cell search inflates 162 MB of XML in 0.25 s (on a thread, without the GIL); normalization
takes 1.4–1.9 s (was 2.2 s; at 10k 0.36 s, was 0.38 s), of which the Activities sheet is 1.0 s:
its two free-text columns cost ~0.1 s each (strip, error-text check, array, blanks: one C-level
pass apiece), its ID and name columns ~0.06 s each, the transpose 0.16 s, dates 0.12 s.

What changed: cyclic GC paused while reading (:mod:`xltrack.gcpause`; its full passes walked
every row list: to_python of Activities 1.08 s → 0.38 s); one calamine workbook per thread instead
of one per sheet; error cells located by ``bytes.find`` instead of a regex over the whole part
(83 ms → <1 ms per sheet at 10k); text columns built as object arrays with C-level ``map`` instead of per-cell
comprehensions; ID and name columns trimmed, checked and resolved once per distinct text
(``factorize``); uniform grids transposed with ``zip``; blank rows dropped before the frame is
built. Tables and issues are identical to before (checked frame by frame, dtype by dtype, issue
by issue on both workbooks; ``tests/test_normalize_columns.py`` checks the fast paths against the
per-cell rules).

Tried and not kept, with figures:

* **A forked process for the Activities sheet** (parse + normalize there, send the frame back
  pickled): 10k 1.00 s vs 1.06 s in one process on a quiet machine, but slower under load
  (50k: 5.4 and 9.5 s vs 4.3 and 5.3 s), pickling the frame costs 0.1 s (10k) / 0.56 s (50k), and
  parent + child peak 484 + 546 MiB against 710 MiB. Not worth its complexity.
* **fastexcel 0.21** parses the same sheets in 1.41 s at 50k (0.27 + 1.05 + 0.09) against
  calamine's 2.97 s (parse + values) and releases the GIL (two parses on two threads: 0.42 s vs
  0.25 s for one), so it would overlap parsing with normalization. But its values come out only as
  Arrow: ``to_arrow``/``to_pandas`` and ``pandas.DataFrame.from_arrow`` on its Arrow PyCapsule all
  need pyarrow, which is not installed here (its size and import time not measured); and it gives one
  dtype per column, so a real date cell next to a typed ``2026/3/5`` comes back as text — the
  per-cell type that validation reports on would have to be rebuilt (e.g. per-column dtypes plus
  ``to_arrow_with_errors`` for the cells that do not fit). This is the next step if the refresh
  targets (10k ≤ 1.5 s, 50k ≤ 8 s) are to be met: with calamine the parse alone is ~3 s at 50k.
"""
from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path
from typing import Any, Mapping

from ..clock import today
from ..errors import ConfigError, WorkbookUnreadable
from ..gcpause import gc_paused
from ..i18n import pick
from ..issues import Issue
from ..pipeline import default_pipeline, layout
from ..pipeline.models import Lang, Pipeline
from ..tables import Tables
from . import tables as T
from .headers import find_header
from .elsewhere import projects_elsewhere
from .sheets import detect_lang, find_sheets

_P_ID = re.compile(r"^\s*P-?(\d+)\s*$", re.IGNORECASE)


def _pipeline(grids: Mapping[str, list[list[Any]]], name: str | None, lang: Lang) -> Pipeline:
    """The Config sheet's pipeline, else the default one (also while config_sheet is not there)."""
    if name is None:
        return default_pipeline()
    try:
        mod = importlib.import_module("xltrack.pipeline.config_sheet")
    except ModuleNotFoundError as e:
        if e.name != "xltrack.pipeline.config_sheet":
            raise
        return default_pipeline()
    return mod.pipeline_from_grid(clean(grids[name]), sheet_name=name, lang=lang)


def _no_config(names: list[str], where: dict[str, str], lang: Lang) -> None:
    """A workbook without a Config sheet runs on the default pipeline — unless it is an xltrack
    workbook (it has at least two of xltrack's own sheets): then the Config sheet was deleted or renamed, and
    defaults would silently change every stage, threshold and owner. Refuse and say so."""
    lay = layout()
    owned = [where[s.key] for s in lay.sheets if s.kind == "owned" and s.key in where]
    if len(owned) < 2:      # one sheet called "History" or "Dashboard" may well be the team's own
        return
    sheet = lay.sheet("config")
    raise ConfigError(pick(
        lang, "工作簿中没有“{zh}”表（但有 xltrack 的“{o}”等表）：设置表可能被删除或改名。"
              "请从 .xltrack-backups 中的备份恢复，或将其改回“{zh}”。",
        "The workbook has no “{en}” sheet (but has xltrack's “{o}”): the Config sheet was deleted or "
        "renamed. Restore it from a backup in .xltrack-backups, or rename it back to “{en}”.",
        zh=sheet.zh, en=sheet.en, o=owned[0]))


def history_floor(rows: list[list[Any]]) -> int:
    """The highest P-number the History sheet remembers, so IDs are never reused. The History
    format belongs to :mod:`xltrack.compute.history` (its ``id_high_water`` record and project
    IDs); without that module, any ``P-N`` text anywhere on the sheet counts."""
    try:
        from ..compute.history import id_high_water
    except ImportError:
        return max((int(m[1]) for row in rows for v in row
                    if isinstance(v, str) and (m := _P_ID.match(v))), default=0)
    return id_high_water(rows)


def clean(rows: list[list[Any]]) -> list[list[Any]]:
    """Empty cells as None (the file reader's fast path hands them over as "")."""
    return [[None if v == "" else v for v in r] for r in rows]


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    end = len(rows)
    while end and all(v is None for v in rows[end - 1]):
        end -= 1
    return rows[:end]


def _sort_key(order: dict[str, int]):
    def key(i: Issue) -> tuple:
        col = re.match(r"[A-Z]+", i.cell or "")
        c = T.col_index(col.group(0)) if col else 0
        return (order.get(i.sheet, 99), i.row or 0, c, i.code)
    return key


def tables_from_grids(grids: Mapping[str, list[list[Any]]], *, as_of: dt.date,
                      source: str | Path | None = None, lang: Lang | None = None,
                      id_floor: int = 0) -> Tables:
    """Normalize the user sheets found in ``grids`` (sheet name -> rows of raw cell values).

    Empty cells may be None or ``""``. ``id_floor``: assigned IDs start above it (and above every
    P-number on the Projects and History sheets).

    Raises :class:`WorkbookUnreadable` when there is no Projects sheet or a required column is
    missing, :class:`~xltrack.errors.ConfigError` when the Config sheet is broken. Everything else
    (bad dates, unknown stages, duplicate IDs…) becomes an issue in ``Tables.issues``.
    """
    names = list(grids.keys())
    where = find_sheets(names)
    lay = layout()
    if "projects" not in where:
        sheet = lay.sheet("projects")
        lang = lang or detect_lang(names)
        raise WorkbookUnreadable(pick(
            lang, "找不到“{zh}”表（工作簿中的表：{found}）。",
            "No “{en}” sheet found (the workbook has: {found}).",
            zh=sheet.zh, en=sheet.en, found=", ".join(names) or "—"))
    proj_grid = grids[where["projects"]]
    lang = lang or detect_lang(names, _first_rows_labels(proj_grid))
    if "config" not in where:
        _no_config(names, where, lang)
    pipe = _pipeline(grids, where.get("config"), lang)
    issues: list[Issue] = []
    builder = T.SheetFrameBuilder(pipe, lang, as_of)
    frames, infos, present = {}, {}, {}
    for key in ("projects", "activities", "payments"):
        sheet = lay.sheet(key)
        if key not in where:
            frames[key] = T.empty_frame(sheet)
            continue
        name = where[key]
        if key == "projects":
            grid, proj_grid = proj_grid, None   # read once; freed when its frame is built
        else:
            grid = grids[name]
        hm = find_header(grid, sheet, sheet_name=name, lang=lang)
        frames[key], infos[key], present[key] = builder.build(grid, sheet, hm, sheet_name=name,
                                                             issues=issues)
        del grid     # each raw grid is held once, only while its own frame is built
    history = _trim(clean(grids[where["history"]])) if "history" in where else []
    projects = frames["projects"]
    pinfo = infos["projects"]
    T.assign_ids(projects, pinfo, lang, issues, id_floor=max(id_floor, history_floor(history)),
                 present=present["projects"].get("id"))
    known = set(projects["id"].dropna().tolist())
    for key in ("activities", "payments"):
        if key in infos:
            T.check_project_refs(frames[key], infos[key], known, lang, issues)
    _date_checks(frames, infos, as_of, lang, issues)
    if projects.empty:
        issues.extend(projects_elsewhere(grids, names, where.values(), where["projects"], lang))
    T.check_undated(projects, pinfo, pipe, lang, issues, present["projects"].get("created"))
    order = {n: i for i, n in enumerate(names)}
    issues.sort(key=_sort_key(order))
    return Tables(lang=lang, pipeline=pipe, projects=projects, activities=frames["activities"],
                  payments=frames["payments"], issues=issues, sheets=infos, history_rows=history,
                  sheet_names=names, source=Path(source) if source is not None else None)


def _first_rows_labels(grid: list[list[Any]]) -> list[Any]:
    return [v for row in grid[:10] for v in row if isinstance(v, str)]


def _date_checks(frames, infos, as_of, lang, issues) -> None:
    lay = layout()
    past_only = {"projects": ["created", "closed"], "activities": ["date"], "payments": ["actual_date"]}
    for key, fields in past_only.items():
        if key in infos:
            for f in fields:
                T.check_future(frames[key], infos[key], f, lay.sheet(key), as_of, lang, issues)
    if "projects" in infos:
        for early, late in (("created", "expected_close"), ("created", "closed")):
            T.check_order(frames["projects"], infos["projects"], early, late, lay.sheet("projects"),
                          lang, issues)


def read_workbook(path: str | Path, *, as_of: dt.date | None = None) -> Tables:
    """Read and normalize a workbook file (.xlsx/.xlsm). ``as_of`` defaults to today."""
    from ..read import open_workbook

    with gc_paused(), open_workbook(path) as book:
        where = find_sheets(book.sheet_names)
        # Error-cell searches run ahead on threads; values are parsed one sheet at a time, in
        # the order normalization asks for them (calamine holds the GIL while parsing, so
        # parsing ahead would only hold two raw grids at once), and not kept once normalized.
        book.prefetch([where[k] for k in ("projects", "activities", "payments", "config", "history")
                       if k in where], values=False)
        return tables_from_grids(book.grids(raw=True, keep=False), as_of=as_of or today(),
                                 source=Path(path))


def validate(path: str | Path, *, as_of: dt.date | None = None) -> Tables:
    """``xltrack validate``: every issue of the workbook, located (same as :func:`read_workbook`)."""
    return read_workbook(path, as_of=as_of)
