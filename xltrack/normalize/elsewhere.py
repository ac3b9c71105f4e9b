"""An empty Projects sheet next to a sheet that looks like the real project list.

A team whose list is on a sheet xltrack does not recognise by name (say "Sales 2026") gets a
new, empty Projects sheet from ``init --into``; ``validate`` would then report "0 projects",
exit 0, with thousands of rows elsewhere. When the Projects sheet is empty, every other sheet that
is not an xltrack sheet is looked at: a header naming at least :data:`MIN_HEADER` Projects columns,
or at least :data:`MANY_ROWS` non-empty rows, gives a ``projects-elsewhere`` warning naming it.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..issues import Issue, make_issue
from ..pipeline import layout
from ..pipeline.models import Lang
from .headers import header_score

MIN_HEADER = 3
MANY_ROWS = 20


def _rows(grid: list[list[Any]]) -> int:
    return sum(1 for row in grid if any(v not in (None, "") for v in row))


def projects_elsewhere(grids: Mapping[str, list[list[Any]]], names: Iterable[str], used: Iterable[str],
                       projects_sheet: str, lang: Lang) -> list[Issue]:
    lay = layout()
    ours = {n.casefold() for s in lay.sheets for n in (s.zh, s.en)} | {n.casefold() for n in used}
    sheet = lay.sheet("projects")
    out = []
    for name in names:
        if name.casefold() in ours:
            continue
        grid = grids[name]
        score, rows = header_score(grid, sheet), _rows(grid)
        if score >= MIN_HEADER:
            what = (f"有项目表头（{score} 个列标题）" if lang == "zh" else f"has a project header ({score} column titles)")
        elif rows >= MANY_ROWS:
            what = f"有 {rows} 行数据" if lang == "zh" else f"has {rows} rows"
        else:
            continue
        out.append(make_issue("projects-elsewhere", lang, sheet=projects_sheet, cell="A1", field=None,
                              value=name, what=what, target=projects_sheet))
    return out
