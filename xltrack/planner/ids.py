"""IDs xltrack assigned to project rows with a blank ID (issue ``id-assigned``) → CellWrites.

The backend writes them only into cells that are still empty (``CellWrite`` contract), so a value
typed meanwhile always wins.
"""
from __future__ import annotations

from ..plan import Cell, CellWrite
from ..tables import Tables


def assigned_ids(tables: Tables) -> list[CellWrite]:
    info = tables.sheets.get("projects")
    if info is None or "id" not in info.columns:
        return []
    col = info.columns["id"]
    out = []
    seen: set[int] = set()
    for issue in tables.issues:
        if (issue.code == "id-assigned" and issue.sheet == info.name and issue.row
                and issue.normalized and issue.row not in seen):
            seen.add(issue.row)
            out.append(CellWrite(sheet=info.name, row=int(issue.row), col=col,
                                 cell=Cell(str(issue.normalized))))
    return sorted(out, key=lambda c: c.row)
