"""``xltrack.import_rows``: bring deals in from a CRM export or another spreadsheet.

read the source → map its header (automatic, or a mapping file) → upsert into the workbook's
grids → the one job runner (normalize, compute, plan, refresh, safe write). ``dry_run`` stops
after the upsert plan: nothing is written, the mapping and the counts are returned.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..clock import today
from ..i18n import pick
from .job import Imported, ImportSink, ImportSource, summary_line
from .mapfile import load_mapping, mapping_toml
from .mapping import HeaderMatch, Mapping, header_not_recognised, match_header
from .source import read_source


@dataclass
class ImportResult:
    source: Path
    workbook: Path
    imported: Imported
    mapping: Mapping
    dry_run: bool
    job: Any = None                       # the runner's JobResult (None for a dry run)
    mapping_toml: str = ""                # the mapping used, as a mapping file
    message: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.imported.lang

    @property
    def rejected(self) -> list:
        return [r for u in self.imported.upserts for r in u.rejected]


def _workbook_lang_and_extras(path: Path) -> tuple[str, dict[str, set[str]]]:
    from ..normalize.api import read_workbook

    try:
        t = read_workbook(path)
    except Exception:       # the job reports an unreadable workbook with its own message
        return "zh", {}
    return t.lang, {k: set(info.extras) for k, info in t.sheets.items()}


def import_rows(source: str | Path, into: str | Path, *, mapping: str | Path | None = None,
                sheet: str | None = None, encoding: str = "auto", add_owners: bool = False,
                dry_run: bool = False, as_of: dt.date | None = None, backup: bool = True,
                progress: Callable[[str], None] | None = None) -> ImportResult:
    """Import the rows of ``source`` (.csv, .xlsx/.xlsm, .xls, .ods) into the workbook ``into``.

    Raises :class:`~.mapfile.MappingError` (exit 2) for a bad mapping file,
    :class:`~.source.SourceUnreadable` (3) for a source that cannot be read,
    :class:`~xltrack.errors.WorkbookLocked` (4) when the workbook is open or saved meanwhile, and
    :class:`~.mapping.NothingToImport` (1) when no header row matches.
    """
    from ..jobs import run_job
    from ..jobs.file import _require_file

    source, into = Path(source), Path(into)
    as_of = as_of or today()
    _require_file(into)
    lang, extras = _workbook_lang_and_extras(into)
    m = load_mapping(mapping, lang=lang, extras=extras) if mapping else Mapping()
    sheet = sheet or m.sheet
    enc = encoding if encoding != "auto" or not m.encoding else m.encoding
    src = read_source(source, sheet=sheet, encoding=enc, lang=lang)
    matches: list[tuple[str, HeaderMatch]] = []
    taken: set[str] = set()
    for s in src.sheets:
        hm = match_header(s.rows, m, extras)
        if hm is not None and hm.target not in taken:
            matches.append((s.name, hm))
            taken.add(hm.target)
    if not matches:
        first = src.sheets[0] if src.sheets else None
        raise header_not_recognised(first.rows if first else [], source.name if first is None or src.kind == "csv"
                                    else f"{source.name} [{first.name}]", lang)
    isrc = ImportSource(into, src, matches, m, add_owners=add_owners)
    res = ImportResult(source=source, workbook=into, imported=isrc.imported, mapping=m, dry_run=dry_run,
                       encoding=src.encoding, delimiter=src.delimiter)
    if dry_run:
        isrc.load(as_of=as_of)
        res.message = summary_line(isrc.imported) + pick(lang, "（试运行，未写入）", " (dry run: nothing written)")
    else:
        sink = ImportSink(isrc, backup=backup)
        res.job = run_job(isrc, sink, as_of=as_of, progress=progress)
        res.message = res.job.message
    imp = isrc.imported
    res.counts = {"added": sum(u.added for u in imp.upserts), "updated": sum(u.updated for u in imp.upserts),
                  "unchanged": sum(u.unchanged for u in imp.upserts),
                  "rejected": sum(len(u.rejected) for u in imp.upserts),
                  "owners_added": len(imp.owners_added)}
    _, hm = matches[0]
    m.target = m.target or hm.target
    stages = {raw: name for u in imp.upserts for (raw, name) in u.stages_used}
    stages.update({raw: "" for u in imp.upserts for raw in u.unknown_stages})
    owners = {raw: name for u in imp.upserts for (raw, name) in u.owners_used if raw != name}
    res.mapping_toml = mapping_toml(m, hm.headers, hm.fields, stages=stages, owners=owners, source=source.name)
    return res
