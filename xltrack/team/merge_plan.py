"""What merging split copies back changes: a three-way comparison per row and field (pure).

For each copy, in order, against the team workbook as it is now and the copy's split record
(what the copy was given):

* **Projects** by ID and **Payments** by (project ID, installment): a field the copy changed
  since the split and the team did not is updated; a field both changed to different values is
  a **conflict** (the team's value stays; both values are reported); a field only the team changed
  stays. A changed owner moves the row to that owner, with a note.
* **Activities** (a log without IDs) by content: a copy row equal to one it was given is
  unchanged; any other copy row is new (an edited follow-up comes back as a new row and the old
  one is flagged as deleted).
* A row the copy was given and no longer has is **flagged**, never deleted.
* A row the copy added is appended, unless the team already has it (merging twice changes
  nothing). A new project whose ID the team already uses for a different project gets the next
  free ID, and the copy's activities and payments of it follow.
* Rows a copy holds twice (duplicate IDs or keys) and rows of IDs the team workbook no longer has
  are **rejected**: reported with the copy's row, not merged.

Values are compared by fingerprint (:func:`.record.fingerprint` of the normalized value), so
``120万`` and ``1200000`` are the same amount; the value written is the copy's, typed as Excel
wants it (a stage by its name, a date as a date; text that could not be understood as typed).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..i18n import pick
from ..issues import Issue, make_issue, show
from ..pipeline import layout
from ..tables import Tables
from .record import SplitRecord, fingerprint

_P_ID = re.compile(r"^\s*P-?(\d+)\s*$", re.IGNORECASE)


@dataclass
class Conflict:
    copy: str
    sheet: str
    cell: str
    key: str
    field: str
    team_value: Any
    copy_value: Any


@dataclass
class Rejected:
    copy: str
    sheet: str
    row: int
    key: str
    reason: str          # duplicate | unknown


@dataclass
class CopyOutcome:
    name: str
    scope: str
    updated: int = 0
    added: Counter = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)
    deleted: list[tuple[str, int, str]] = field(default_factory=list)   # (sheet, team row, key)
    moved: list[tuple[str, str, str]] = field(default_factory=list)     # (id, from owner, to owner)
    renumbered: dict[str, str] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class MergeOutcome:
    """``writes[sheet name][row][col] = value``; ``last_rows[sheet name]`` after appending."""

    writes: dict[str, dict[int, dict[int, Any]]] = field(default_factory=dict)
    last_rows: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    copies: list[CopyOutcome] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(len(cols) for rows in self.writes.values() for cols in rows.values())


def _blank(v: Any) -> bool:
    return v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


class _Sheet:
    """One team sheet being merged into: current values (with this run's writes) by row."""

    def __init__(self, team: Tables, key: str, out: MergeOutcome):
        self.key = key
        self.info = team.sheets.get(key)
        self.frame: pd.DataFrame = getattr(team, key)
        self.name = self.info.name if self.info else key
        self.cols = dict(self.info.columns) if self.info else {}
        self.cols.update(self.info.extras if self.info else {})
        self.rows: dict[int, dict[str, Any]] = {}
        for rec in self.frame.to_dict("records"):
            self.rows[int(rec["_row"])] = rec
        self.out = out
        self.next_row = (self.info.last_row if self.info else 1) + 1

    def value(self, row: int, f: str) -> Any:
        return self.rows.get(row, {}).get(f)

    def _unit(self, f: str, shown: Any) -> Any:
        """An amount goes into a column headed with a unit (预计金额（万元）) in that unit."""
        unit = self.info.units.get(f) if self.info else None
        if unit and isinstance(shown, (int, float)) and not isinstance(shown, bool):
            v = shown / unit
            return int(v) if float(v).is_integer() else v
        return shown

    def set(self, row: int, f: str, value: Any, shown: Any) -> None:
        col = self.cols.get(f)
        if col is None:
            return
        self.rows.setdefault(row, {})[f] = value
        self.out.writes.setdefault(self.name, {}).setdefault(row, {})[col] = self._unit(f, shown)

    def append(self, values: dict[str, Any], shown: dict[str, Any]) -> int:
        row = self.next_row
        self.next_row += 1
        self.rows[row] = dict(values, _row=row)
        for f, v in shown.items():
            col = self.cols.get(f)
            if col is not None and not _blank(v):
                self.out.writes.setdefault(self.name, {}).setdefault(row, {})[col] = self._unit(f, v)
        self.out.last_rows[self.name] = row
        return row

    def cell(self, row: int, f: str) -> str:
        from ..cellref import col_letter

        return f"{col_letter(self.cols.get(f, 1))}{row}"


def _shown(tables: Tables, sheet: str, row: dict[str, Any], f: str, raw: dict[tuple[int, str], Any]) -> Any:
    """The copy's value of ``f`` as it is to be written into the team workbook."""
    v = row.get(f)
    if _blank(v):
        return raw.get((int(row["_row"]), f))      # text that could not be understood, as typed
    col = layout().sheet(sheet).columns
    kind = next((c.type for c in col if c.key == f), None)
    if kind == "stage" and isinstance(v, str):
        try:
            return tables.pipeline.stage(v).name(tables.lang)
        except KeyError:
            return v
    if kind == "activity_type" and isinstance(v, str):
        for t in tables.pipeline.activity_types:
            if t.key == v:
                return t.name(tables.lang)
        return v
    if isinstance(v, pd.Timestamp):
        return v.date() if v == v.normalize() else v.to_pydatetime()
    if isinstance(v, float) and v.is_integer() and kind in ("money", "int"):
        return int(v)
    return v


def _raw_values(tables: Tables, sheet: str) -> dict[tuple[int, str], Any]:
    info = tables.sheets.get(sheet)
    if info is None:
        return {}
    return {(int(i.row), i.field): i.value for i in tables.issues
            if i.sheet == info.name and i.row and i.field and i.value is not None}


class _Merger:
    def __init__(self, team: Tables):
        self.team = team
        self.out = MergeOutcome()
        self.sheets = {k: _Sheet(team, k, self.out) for k in ("projects", "activities", "payments")}
        self._acts_by_pid: dict[Any, list[int]] | None = None
        p = self.sheets["projects"]
        self.by_id: dict[str, int] = {}
        for row, rec in p.rows.items():
            pid = rec.get("id")
            if isinstance(pid, str):
                self.by_id.setdefault(pid, row)
        self.top = max([int(m[1]) for pid in self.by_id if (m := _P_ID.match(pid))] + [0])
        from ..compute.history import id_high_water

        self.top = max(self.top, id_high_water(team.history_rows) if team.history_rows else 0)

    def lang(self) -> str:
        return self.team.lang

    # -- one copy -------------------------------------------------------------------------
    def merge_copy(self, name: str, copy: Tables, rec: SplitRecord) -> CopyOutcome:
        co = CopyOutcome(name=name, scope=rec.scope)
        self.out.copies.append(co)
        self._projects(co, copy, rec)
        self._keyed(co, copy, rec, "payments", ("project_id", "installment"))
        self._activities(co, copy, rec)
        return co

    def _fields(self, rec: SplitRecord, copy: Tables, sheet: str) -> list[str]:
        team_cols = self.sheets[sheet].cols
        return [f for f in rec.fields.get(sheet, []) if f in team_cols and f in getattr(copy, sheet).columns]

    def _three_way(self, co: CopyOutcome, sheet: str, row: int, key: str, fields: list[str],
                   rec_fields: list[str], base: list[str] | None, crow: dict[str, Any], copy: Tables,
                   raw: dict) -> None:
        s = self.sheets[sheet]
        for f in fields:
            theirs = fingerprint(crow.get(f))
            ours = fingerprint(s.value(row, f))
            b = base[rec_fields.index(f)] if base is not None else ours
            if theirs == b or theirs == ours:
                continue
            value = _shown(copy, sheet, crow, f, raw)
            if ours == b:
                if f == "owner":
                    co.moved.append((key, show(s.value(row, f)), show(crow.get(f))))
                    self._note("merge-moved", s, row, f, value, key=key, old=show(s.value(row, f)),
                               new=show(crow.get(f)), copy=co.name)
                s.set(row, f, crow.get(f), value)
                co.updated += 1
            else:
                team_v = s.value(row, f)
                co.conflicts.append(Conflict(co.name, s.name, s.cell(row, f), key, f, team_v, value))
                self._note("merge-conflict", s, row, f, value, key=key, team=show(_display(team_v)),
                           copy_value=show(_display(value)), copy=co.name)

    def _note(self, code: str, s: _Sheet, row: int, f: str | None, value: Any, **fmt: Any) -> None:
        label = layout().sheet(s.key).column(f).label(self.lang()) if f and f in {c.key for c in layout().sheet(s.key).columns} else (f or "")
        self.out.issues.append(make_issue(code, self.lang(), sheet=s.name, cell=s.cell(row, f or "id"),
                                          field=f, value=value, row=row, label=label, **fmt))

    def _projects(self, co: CopyOutcome, copy: Tables, rec: SplitRecord) -> None:
        s = self.sheets["projects"]
        fields = [f for f in self._fields(rec, copy, "projects") if f != "id"]
        rec_fields = rec.fields.get("projects", [])
        raw = _raw_values(copy, "projects")
        frame = copy.projects
        counts = Counter(v for v in frame["id"].tolist() if isinstance(v, str))
        seen: set[str] = set()
        for crow in frame.to_dict("records"):
            pid = crow.get("id")
            if not isinstance(pid, str):
                continue
            if counts[pid] > 1:
                co.rejected.append(Rejected(co.name, copy.sheets["projects"].name, int(crow["_row"]), pid, "duplicate"))
                continue
            seen.add(pid)
            if pid in rec.projects:
                row = self.by_id.get(pid)
                if row is None:
                    co.rejected.append(Rejected(co.name, copy.sheets["projects"].name, int(crow["_row"]), pid, "unknown"))
                    continue
                self._three_way(co, "projects", row, pid, fields, rec_fields, rec.projects[pid], crow, copy, raw)
                continue
            row = self.by_id.get(pid)
            if row is None or not _same_project(s.rows[row], crow):
                row = self._added_before(crow) if row is not None else None
                if row is not None:        # added by an earlier merge under a new ID
                    co.renumbered[pid] = s.rows[row]["id"]
            if row is not None and _same_project(s.rows[row], crow):
                # added by an earlier merge of this copy: the copy's later edits come in
                self._three_way(co, "projects", row, s.rows[row]["id"], fields, rec_fields, None, crow, copy, raw)
                continue
            new_id = pid
            if pid in self.by_id:
                new_id = self._next_id()
                co.renumbered[pid] = new_id
            values = {f: crow.get(f) for f in fields}
            values["id"] = new_id
            shown = {f: _shown(copy, "projects", crow, f, raw) for f in fields}
            shown["id"] = new_id
            r = s.append(values, shown)
            self.by_id[new_id] = r
            if m := _P_ID.match(new_id):
                self.top = max(self.top, int(m[1]))
            co.added["projects"] += 1
        for pid in rec.projects:
            if pid not in seen and pid in self.by_id and counts[pid] == 0:
                row = self.by_id[pid]
                co.deleted.append((s.name, row, pid))
                self._note("merge-deleted", s, row, None, pid, copy=co.name)

    def _added_before(self, crow: dict[str, Any]) -> int | None:
        """The team row of a project with this customer and project name (one a copy added in
        an earlier merge, renumbered there), if any."""
        key = (fingerprint(crow.get("customer")), fingerprint(crow.get("project")), fingerprint(crow.get("owner")))
        for row, trow in self.sheets["projects"].rows.items():
            if (fingerprint(trow.get("customer")), fingerprint(trow.get("project")), fingerprint(trow.get("owner"))) == key:
                return row
        return None

    def _next_id(self) -> str:
        self.top += 1
        while f"P-{self.top:04d}" in self.by_id:
            self.top += 1
        return f"P-{self.top:04d}"

    def _pid(self, co: CopyOutcome, pid: Any) -> Any:
        return co.renumbered.get(pid, pid) if isinstance(pid, str) else pid

    def _keyed(self, co: CopyOutcome, copy: Tables, rec: SplitRecord, sheet: str, key_fields: tuple[str, str]) -> None:
        """Payments: three-way by (project ID, installment)."""
        s = self.sheets[sheet]
        if s.info is None or copy.sheets.get(sheet) is None:
            return
        fields = self._fields(rec, copy, sheet)
        rec_fields = rec.fields.get(sheet, [])
        pid_f, inst_f = key_fields
        if inst_f not in rec_fields:
            return
        ii = rec_fields.index(inst_f)
        raw = _raw_values(copy, sheet)

        def key(pid: Any, inst_print: str) -> str:
            return f"{pid}#{inst_print}"

        base = {key(pid, prints[ii]): prints for pid, _r, prints in getattr(rec, sheet)}
        team_rows: dict[str, int] = {}
        for row, trow in s.rows.items():
            team_rows.setdefault(key(trow.get(pid_f), fingerprint(trow.get(inst_f))), row)
        frame = getattr(copy, sheet)
        crows = frame.to_dict("records")
        for crow in crows:
            crow[pid_f] = self._pid(co, crow.get(pid_f))
        counts = Counter(key(c.get(pid_f), fingerprint(c.get(inst_f))) for c in crows)
        seen: set[str] = set()
        cname = copy.sheets[sheet].name
        for crow in crows:
            k = key(crow.get(pid_f), fingerprint(crow.get(inst_f)))
            label = f"{crow.get(pid_f)} {show(crow.get(inst_f))}".strip()
            if counts[k] > 1:
                co.rejected.append(Rejected(co.name, cname, int(crow["_row"]), label, "duplicate"))
                continue
            seen.add(k)
            row = team_rows.get(k)
            if k in base:
                if row is None:
                    co.rejected.append(Rejected(co.name, cname, int(crow["_row"]), label, "unknown"))
                    continue
                self._three_way(co, sheet, row, label, fields, rec_fields, base[k], crow, copy, raw)
            elif row is not None:
                self._three_way(co, sheet, row, label, fields, rec_fields, None, crow, copy, raw)
            elif crow.get(pid_f) not in self.by_id:
                co.rejected.append(Rejected(co.name, cname, int(crow["_row"]), label, "unknown"))
            else:
                team_rows[k] = s.append({f: crow.get(f) for f in fields},
                                        {f: _shown(copy, sheet, crow, f, raw) for f in fields})
                co.added[sheet] += 1
        for k in base:
            if k not in seen and k in team_rows:
                row = team_rows[k]
                co.deleted.append((s.name, row, k.split("#")[0]))
                self._note("merge-deleted", s, row, None, k.split("#")[0], copy=co.name)

    def _activities(self, co: CopyOutcome, copy: Tables, rec: SplitRecord) -> None:
        s = self.sheets["activities"]
        if s.info is None or copy.sheets.get("activities") is None:
            return
        fields = self._fields(rec, copy, "activities")
        rec_fields = rec.fields.get("activities", [])
        idx = [rec_fields.index(f) for f in fields]
        raw = _raw_values(copy, "activities")
        given = Counter(tuple(prints[i] for i in idx) for _pid, _r, prints in rec.activities)
        # the team's rows of the projects this copy speaks of (the project ID is one of the fields,
        # so no other row can match): found through an index built once for all copies
        if self._acts_by_pid is None:
            self._acts_by_pid = {}
            for row, trow in s.rows.items():
                self._acts_by_pid.setdefault(trow.get("project_id"), []).append(row)
        pids = {pid for pid, _r, _p in rec.activities} | set(copy.activities["project_id"].tolist())
        pids |= {co.renumbered.get(pid) for pid in pids if pid in co.renumbered}
        team_prints: dict[tuple, list[int]] = {}
        for pid in pids:
            for row in self._acts_by_pid.get(pid, []):
                trow = s.rows[row]
                team_prints.setdefault(tuple(fingerprint(trow.get(f)) for f in fields), []).append(row)
        cname = copy.sheets["activities"].name
        for crow in copy.activities.to_dict("records"):
            p = tuple(fingerprint(crow.get(f)) for f in fields)
            if given[p] > 0:
                given[p] -= 1
                continue
            pid = crow.get("project_id")
            if isinstance(pid, str) and pid in co.renumbered:
                crow["project_id"] = co.renumbered[pid]
                p = tuple(fingerprint(crow.get(f)) for f in fields)
            if team_prints.get(p):
                team_prints[p].pop(0)       # merged before: the team has it already
                continue
            if crow.get("project_id") not in self.by_id:
                co.rejected.append(Rejected(co.name, cname, int(crow["_row"]), show(crow.get("project_id")), "unknown"))
                continue
            row = s.append({f: crow.get(f) for f in fields}, {f: _shown(copy, "activities", crow, f, raw) for f in fields})
            self._acts_by_pid.setdefault(crow.get("project_id"), []).append(row)
            co.added["activities"] += 1
        for p, n in given.items():
            rows = team_prints.get(p, [])
            for row in rows[:n]:
                pid = s.value(row, "project_id")
                co.deleted.append((s.name, row, show(pid)))
                self._note("merge-deleted", s, row, None, pid, copy=co.name)


def _display(v: Any) -> Any:
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def _same_project(team_row: dict[str, Any], copy_row: dict[str, Any]) -> bool:
    return all(fingerprint(team_row.get(f)) == fingerprint(copy_row.get(f)) for f in ("customer", "project"))


def plan_merge(team: Tables, copies: list[tuple[str, Tables, SplitRecord]]) -> MergeOutcome:
    """The writes and notes of merging ``copies`` (name, tables, record) into ``team``, in order."""
    m = _Merger(team)
    for name, tables, rec in copies:
        m.merge_copy(name, tables, rec)
    return m.out


def rejected_text(r: Rejected, lang: str) -> str:
    why = {"duplicate": pick(lang, "副本中重复", "duplicated in the copy"),
           "unknown": pick(lang, "团队工作簿中没有此编号", "not in the team workbook")}[r.reason]
    return pick(lang, "{f} {s} 第 {r} 行 {k}：{w}，未合并", "{f} {s} row {r} {k}: {w}, not merged",
                f=r.copy, s=r.sheet, r=r.row, k=r.key, w=why)


__all__ = ["plan_merge", "MergeOutcome", "CopyOutcome", "Conflict", "Rejected", "rejected_text"]
