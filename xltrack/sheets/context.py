"""What every owned-sheet builder needs to know besides the figures: language, as-of date, stage
names, and where a project's row is (so lists can link to it)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..compute.results import Results
from ..pipeline import layout
from ..tables import Tables
from .style import col_letter, internal_link


@dataclass(slots=True)
class Ctx:
    tables: Tables
    results: Results
    lang: str
    as_of: dt.date
    team: str
    projects_sheet: str
    id_col: str                                  # column letter of the ID column ("A")
    row_of: dict[str, int] = field(default_factory=dict)   # project id -> Excel row
    memo: dict[str, object] = field(default_factory=dict)   # figures several sheets share

    def stage_name(self, key: object) -> str:
        if key is None or key != key:            # None / NaN
            return ""
        try:
            return self.tables.pipeline.stage(str(key)).name(self.lang)  # type: ignore[arg-type]
        except KeyError:
            return str(key)

    def project_link(self, pid: object) -> str | None:
        row = self.row_of.get(str(pid)) if pid is not None else None
        return internal_link(self.projects_sheet, f"{self.id_col}{row}") if row else None

    def row_link(self, row: object) -> str | None:
        try:
            r = int(row)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return internal_link(self.projects_sheet, f"{self.id_col}{r}")


def make_ctx(tables: Tables, results: Results) -> Ctx:
    lang = results.lang or tables.lang
    info = tables.sheets.get("projects")
    sheet = info.name if info else layout().sheet("projects").name(lang)  # type: ignore[arg-type]
    id_col = col_letter(info.columns.get("id", 1)) if info else "A"
    row_of: dict[str, int] = {}
    p = results.projects
    if len(p) and "id" in p.columns and "_row" in p.columns:
        for pid, row in zip(p["id"].tolist(), p["_row"].tolist()):
            if pid is not None and pid == pid and str(pid) not in row_of:
                row_of[str(pid)] = int(row)
    return Ctx(tables=tables, results=results, lang=lang, as_of=results.as_of,
               team=tables.pipeline.team, projects_sheet=sheet, id_col=id_col, row_of=row_of)
