"""Plan the upsert of mapped source rows into one workbook sheet (pure: grids in, writes out).

Projects match by ID, else — for a source without IDs — by customer + project name when that
pair is unique in the sheet; a new project without an ID gets the next ``P-NNNN``. Activities
match on project, date, type and summary (a follow-up is either there or not); payments on
project and installment (else planned date). A matched row is updated only on the fields the
source fills and that differ — a blank source cell never clears a workbook cell, and columns the
mapping does not name are left alone. New rows are appended below the sheet's last data row.
A source row repeating an ID seen earlier in the same source is rejected (with both row
numbers) rather than silently overwriting the first.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import pick
from ..normalize.lookup import owner_resolver
from ..normalize.text import clean_text
from ..pipeline import layout
from ..pipeline.models import Pipeline
from ..plan import RowWrite
from ..tables import SheetInfo
from .mapping import HeaderMatch, Mapping
from .values import owner_map, stage_map, type_map, typed

_P_ID = re.compile(r"^\s*P-?(\d+)\s*$", re.IGNORECASE)
KEYS = {"activities": ("project_id", "date", "type", "summary"), "payments": ("project_id", "installment")}


@dataclass
class Rejected:
    row: int          # the source row (1-based, as a spreadsheet shows it; a CSV's line)
    reason: str


@dataclass
class Upsert:
    target: str
    write: RowWrite
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ids_assigned: int = 0
    unknown_stages: dict[str, Any] = field(default_factory=dict)     # value → Unknown(count, suggestion)
    unknown_owners: dict[str, int] = field(default_factory=dict)     # name → rows
    unknown_types: dict[str, Any] = field(default_factory=dict)
    no_column: list[str] = field(default_factory=list)   # mapped fields the workbook sheet has no column for
    stages_used: dict[tuple[str, str], int] = field(default_factory=dict)
    owners_used: dict[tuple[str, str], int] = field(default_factory=dict)


def _cell(grid: list[list[Any]], r: int, c: int) -> Any:
    row = grid[r - 1] if r - 1 < len(grid) else None
    return row[c - 1] if row is not None and c - 1 < len(row) else None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    if isinstance(a, dt.datetime):
        a = a.date()
    if isinstance(b, dt.datetime):
        b = b.date()
    return a == b


def plan_upsert(rows: list[list[Any]], match: HeaderMatch, mapping: Mapping, *, grid: list[list[Any]],
                info: SheetInfo, pipe: Pipeline, lang: str, as_of: dt.date, id_floor: int = 0) -> Upsert:
    """What importing ``rows`` (the source sheet; ``match`` says where its header is and what each
    column is) into the sheet ``info`` (whose raw cells are ``grid``) writes."""
    sheet = layout().sheet(match.target)
    cols = {c.key: c for c in sheet.columns if not c.owned}
    order = mapping.date_order or pipe.date_order
    stages, owners, types = stage_map(pipe, lang, mapping.stages), owner_map(pipe, lang, mapping.owners), type_map(pipe, lang)
    kinds = {s.name(lang): s.kind for s in pipe.stages}
    where = dict(info.columns)
    where.update(info.extras)

    memo: dict[tuple[str, Any], Any] = {}

    def value(key: str, raw: Any) -> Any:
        col = cols.get(key)
        if col is None:                          # an extra user column: as the source has it
            return parse_text_keep(raw)
        try:                                     # dates, amounts, stages repeat: parse each once
            v = memo[(key, raw)]
        except KeyError:
            v = memo[(key, raw)] = typed(raw, col, as_of=as_of, order=order,
                                         unit=mapping.amount_unit if col.type == "money" else 1.0)
        except TypeError:
            v = typed(raw, col, as_of=as_of, order=order, unit=mapping.amount_unit if col.type == "money" else 1.0)
        if v is None or not isinstance(v, str):
            return v
        if col.type == "stage":
            return stages.map(v)
        if col.type == "owner":
            return owners.map(v)
        if col.type == "activity_type":
            return types.map(v)
        return v

    def existing(r: int, key: str) -> Any:
        c = where.get(key)
        if c is None:
            return None
        raw = _cell(grid, r, c)
        col = cols.get(key)
        if col is None or col.type in ("stage", "owner", "activity_type"):
            return parse_text_keep(raw)
        try:
            return memo_ex[(key, raw)]
        except KeyError:
            v = memo_ex[(key, raw)] = typed(raw, col, as_of=as_of, order=order)
            return v
        except TypeError:
            return typed(raw, col, as_of=as_of, order=order)

    memo_ex: dict[tuple[str, Any], Any] = {}

    first_data = info.header_row + 1
    last = max(info.last_row, info.header_row)
    keyed: dict[tuple, int] = {}
    natural: dict[tuple, list[int]] = {}
    top = id_floor
    for r in range(first_data, last + 1):
        if match.target == "projects":
            pid = existing(r, "id")
            if pid is not None:
                keyed.setdefault((str(pid),), r)
                if m := _P_ID.match(str(pid)):
                    top = max(top, int(m[1]))
            nk = (existing(r, "customer"), existing(r, "project"))
            if all(nk):
                natural.setdefault(nk, []).append(r)
        else:
            k = tuple(existing(r, f) for f in KEYS[match.target])
            if any(x is not None for x in k):
                keyed.setdefault(k, r)
    out = Upsert(match.target, RowWrite(sheet=info.name, header_row=info.header_row))
    cells = out.write.cells
    seen: dict[str, int] = {}
    next_row = last + 1
    for i in range(match.row, len(rows)):
        src = rows[i]
        row_no = i + 1
        vals: dict[str, Any] = {}
        for c, key in match.fields.items():
            raw = src[c] if c < len(src) else None
            v = value(key, raw)
            if v is not None:
                vals[key] = v
        if not vals:
            continue                              # a blank line of the source
        for key, raw in mapping.constants.items():
            if vals.get(key) is None:
                v = value(key, raw)
                if v is not None:
                    vals[key] = v
        if match.target == "projects" and "closed" not in match.fields.values() and vals.get("expected_close") \
                and kinds.get(vals.get("stage")) in ("won", "lost") and isinstance(vals["expected_close"], dt.date):
            vals["closed"] = vals["expected_close"]    # an export's close date of a closed deal
        if match.target == "projects":
            pid = vals.get("id")
            if pid is not None:
                pid = str(pid)
                if pid in seen:
                    out.rejected.append(Rejected(row_no, pick(
                        lang, "编号 {i} 在导入文件中重复（第一次在第 {r} 行）", "ID {i} repeats (first in row {r})",
                        i=pid, r=seen[pid])))
                    continue
                seen[pid] = row_no
                target = keyed.get((pid,))
            else:
                nk = (vals.get("customer"), vals.get("project"))
                hits = natural.get(nk, []) if all(nk) else []
                target = hits[0] if len(hits) == 1 else None
        else:
            k = tuple(vals.get(f) for f in KEYS[match.target])
            target = keyed.get(k)
        if target is not None:
            diff = {where[k]: v for k, v in vals.items() if k in where and not _same(existing(target, k), v)}
            diff = {c: v for c, v in diff.items()}
            if diff:
                cells.setdefault(target, {}).update(diff)
                out.updated += 1
            else:
                out.unchanged += 1
            continue
        if match.target == "projects" and vals.get("id") is None:
            top += 1
            vals["id"] = f"P-{top:04d}"
            out.ids_assigned += 1
        r = next_row
        next_row += 1
        row_cells = {where[k]: v for k, v in vals.items() if k in where}
        cells[r] = row_cells
        if match.target == "projects":
            keyed[(str(vals["id"]),)] = r
            nk = (vals.get("customer"), vals.get("project"))
            if all(nk):
                natural.setdefault(nk, []).append(r)
        else:
            keyed[tuple(vals.get(f) for f in KEYS[match.target])] = r
        out.added += 1
    out.write.last_row = next_row - 1
    out.no_column = sorted({k for k in match.fields.values() if k not in where}
                           | {k for k in mapping.constants if k not in where and k in cols})
    known = owner_resolver(pipe, lang)
    owner_col = where.get("owner")
    for r, row_cells in cells.items():
        name = row_cells.get(owner_col) if owner_col else None
        if isinstance(name, str) and known.resolve(name)[0] is None:
            out.unknown_owners[name] = out.unknown_owners.get(name, 0) + 1
    out.unknown_stages, out.unknown_types = stages.unknown, types.unknown
    out.stages_used, out.owners_used = dict(stages.used), dict(owners.used)
    return out


def parse_text_keep(raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(raw, str):
        return clean_text(raw) or None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw
