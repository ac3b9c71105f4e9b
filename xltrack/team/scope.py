"""数据权限: the one rule deciding which rows belong to an owner, a team or a team lead.

Every per-owner output — a split workbook, a per-owner e-mail and its attachment, a per-owner
robot message — asks this module which rows it may show, and shows nothing else.

The rule (docs/team.md):

* A **project** belongs to the scope of its owner: ``--by owner`` keys it by the owner's name as
  listed on Config, ``--by team`` by that owner's team. A project whose owner is blank, not on
  Config, or (``--by team``) has no team is *unassigned* (key :data:`UNASSIGNED`): it belongs to
  the unassigned scope only, so the scopes of one kind always partition the projects.
* An **activity** or **payment** belongs to the scope of its project (a colleague's visit on your
  project is yours). One whose project ID is on no project row follows its own owner (activities)
  or is unassigned (payments). With duplicated project IDs the first row of that ID decides.
* **History** rows, **changes** and **transitions** follow their project ID; History records that
  name no project (meta, refresh) carry no one's data and are in every scope; any other record
  (state, transition, removed, or one xltrack does not know) only with its project.
* **Issues** follow the row they point at; issues of other sheets (Config) are in every scope.
* A **team lead** (an owner whose Config role says so, see :func:`is_lead`) reads the scope of
  their team: :func:`reader_scope` is what per-owner outputs use for a person.

Pure: Tables/Results in, masks and filtered copies out; no file is touched.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable, Literal

import pandas as pd

from ..compute.history import RECORDS
from ..compute.results import Results
from ..pipeline.models import Owner, Pipeline
from ..tables import Tables

By = Literal["owner", "team"]
UNASSIGNED = ""
# Config role values that make an owner a team lead (compared case-insensitively, trimmed)
LEAD_ROLES = frozenset({"lead", "team lead", "teamlead", "leader", "manager", "组长", "主管", "经理",
                        "团队负责人", "销售经理", "team leader"})
_HISTORY_ID_COL = 2   # the History sheet's ``id`` column (xltrack.compute.history.COLUMNS)
# History records that name no project (kept in every scope)
_SHARED_RECORDS = frozenset(w.casefold() for k in ("meta", "refresh") for w in RECORDS[k])


class ScopeError(ValueError):
    """A name that is neither an owner, an alias nor a team on the Config sheet."""


def is_lead(owner: Owner) -> bool:
    role = getattr(owner, "role", None)
    return isinstance(role, str) and role.strip().lower() in LEAD_ROLES


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose rows: ``by`` owner or team, ``key`` the owner's or team's name (or UNASSIGNED)."""

    by: By
    key: str

    @property
    def unassigned(self) -> bool:
        return self.key == UNASSIGNED

    def label(self, lang: str) -> str:
        if self.unassigned:
            if self.by == "team":
                return "未分组" if lang == "zh" else "no team"
            return "未分配负责人" if lang == "zh" else "unassigned"
        return self.key


# -- keys ---------------------------------------------------------------------------------------
def _owner_keys(pipeline: Pipeline, by: By) -> dict[str, str]:
    """Canonical owner name -> scope key."""
    if by == "owner":
        return {o.name: o.name for o in pipeline.owners}
    return {o.name: (o.team.strip() if o.team and o.team.strip() else UNASSIGNED) for o in pipeline.owners}


def _keys_of_owners(owners: pd.Series, pipeline: Pipeline, by: By) -> pd.Series:
    keys = _owner_keys(pipeline, by)
    return owners.map(lambda v: keys.get(v, UNASSIGNED) if isinstance(v, str) else UNASSIGNED).astype(object)


def project_keys(tables: Tables, by: By) -> pd.Series:
    """The scope key of every project row (same index as ``tables.projects``)."""
    return _keys_of_owners(tables.projects["owner"], tables.pipeline, by)


def _key_by_id(tables: Tables, by: By) -> dict[str, str]:
    p = tables.projects
    keys = project_keys(tables, by)
    out: dict[str, str] = {}
    for pid, k in zip(p["id"].tolist(), keys.tolist()):
        if isinstance(pid, str) and pid not in out:
            out[pid] = k
    return out


def activity_keys(tables: Tables, by: By, by_id: dict[str, str] | None = None) -> pd.Series:
    by_id = _key_by_id(tables, by) if by_id is None else by_id
    a = tables.activities
    own = _keys_of_owners(a["owner"], tables.pipeline, by)
    return pd.Series([by_id.get(pid, k) if isinstance(pid, str) else k
                      for pid, k in zip(a["project_id"].tolist(), own.tolist())], index=a.index, dtype=object)


def payment_keys(tables: Tables, by: By, by_id: dict[str, str] | None = None) -> pd.Series:
    by_id = _key_by_id(tables, by) if by_id is None else by_id
    pay = tables.payments
    return pd.Series([by_id.get(pid, UNASSIGNED) if isinstance(pid, str) else UNASSIGNED
                      for pid in pay["project_id"].tolist()], index=pay.index, dtype=object)


# -- which scopes exist -------------------------------------------------------------------------
def all_scopes(tables: Tables, by: By) -> list[Scope]:
    """Every scope of this kind that has rows, in Config order, the unassigned one last.

    Owners (or teams) listed on Config without a single row are included too: a salesperson
    with no project yet still gets a (empty) workbook to type into."""
    seen: dict[str, None] = {}
    for o in tables.pipeline.owners:
        seen[_owner_keys(tables.pipeline, by)[o.name]] = None
    seen.pop(UNASSIGNED, None)
    used = set(project_keys(tables, by).tolist())
    used |= set(activity_keys(tables, by).tolist()) | set(payment_keys(tables, by).tolist())
    out = [Scope(by, k) for k in seen]
    if UNASSIGNED in used:
        out.append(Scope(by, UNASSIGNED))
    return out


def _find_owner(pipeline: Pipeline, name: str) -> Owner | None:
    n = name.strip().casefold()
    for o in pipeline.owners:
        if o.name.strip().casefold() == n or any(a.strip().casefold() == n for a in o.aliases):
            return o
    return None


def _teams(pipeline: Pipeline) -> dict[str, str]:
    return {o.team.strip().casefold(): o.team.strip() for o in pipeline.owners if o.team and o.team.strip()}


def scope_for(pipeline: Pipeline, name: str, by: By) -> Scope:
    """The scope named ``name`` (an owner's name or alias for ``by="owner"``, a team's name — or
    an owner's name, meaning that owner's team — for ``by="team"``). Raises :class:`ScopeError`."""
    o = _find_owner(pipeline, name)
    if by == "owner":
        if o is None:
            raise ScopeError(name)
        return Scope("owner", o.name)
    team = _teams(pipeline).get(name.strip().casefold())
    if team is not None:
        return Scope("team", team)
    if o is not None and o.team and o.team.strip():
        return Scope("team", o.team.strip())
    raise ScopeError(name)


def reader_scope(pipeline: Pipeline, owner_name: str) -> Scope:
    """What a person may read: a team lead their team's rows, anyone else their own rows."""
    o = _find_owner(pipeline, owner_name)
    if o is None:
        raise ScopeError(owner_name)
    if is_lead(o) and o.team and o.team.strip():
        return Scope("team", o.team.strip())
    return Scope("owner", o.name)


# -- masks and filtered copies ------------------------------------------------------------------
@dataclass(slots=True)
class Selection:
    """The rows of one scope: boolean masks on the three frames and the project IDs."""

    scope: Scope
    projects: pd.Series
    activities: pd.Series
    payments: pd.Series
    ids: frozenset[str]

    def rows(self, sheet_key: str, tables: Tables) -> set[int]:
        """The Excel row numbers of the selected rows of one user sheet."""
        frame = getattr(tables, sheet_key)
        return set(frame.loc[getattr(self, sheet_key), "_row"].astype(int).tolist())


def select(tables: Tables, scope: Scope) -> Selection:
    return select_all(tables, [scope])[scope.key]


def select_all(tables: Tables, scopes: list[Scope]) -> dict[str, Selection]:
    """:func:`select` for several scopes of one kind, the row keys computed once."""
    if not scopes:
        return {}
    by = scopes[0].by
    by_id = _key_by_id(tables, by)
    keys = (project_keys(tables, by), activity_keys(tables, by, by_id), payment_keys(tables, by, by_id))
    out = {}
    for sc in scopes:
        pm, am, paym = (k == sc.key for k in keys)
        ids = frozenset(v for v in tables.projects.loc[pm, "id"].tolist() if isinstance(v, str))
        out[sc.key] = Selection(sc, pm.astype(bool), am.astype(bool), paym.astype(bool), ids)
    return out


def history_rows(rows: list[list[Any]], ids: Iterable[str]) -> list[list[Any]]:
    """History sheet rows (header first) of these project IDs, plus the rows without a project."""
    keep = set(ids)
    out = rows[:1]
    for r in rows[1:]:
        record = r[0].strip().casefold() if r and isinstance(r[0], str) else r[0] if r else None
        pid = r[_HISTORY_ID_COL] if len(r) > _HISTORY_ID_COL else None
        pid = pid.strip() if isinstance(pid, str) else pid
        if record in _SHARED_RECORDS or (pid not in (None, "") and pid in keep):
            out.append(r)
    return out


EVERY = "\x00every"   # a History row every scope holds (a record naming no project)


def history_row_keys(tables: Tables, by: By) -> dict[int, str]:
    """The scope key of each History data row by Excel row number (the sheet starts at A1, header
    on row 1): the key of its project, :data:`EVERY` for records naming no project; rows of
    projects no longer on Projects are in no scope (left out)."""
    by_id = _key_by_id(tables, by)
    out: dict[int, str] = {}
    for i, r in enumerate(tables.history_rows[1:], start=2):
        record = r[0].strip().casefold() if r and isinstance(r[0], str) else None
        pid = r[_HISTORY_ID_COL] if len(r) > _HISTORY_ID_COL else None
        pid = pid.strip() if isinstance(pid, str) else pid
        if record in _SHARED_RECORDS:
            out[i] = EVERY
        elif isinstance(pid, str) and pid in by_id:
            out[i] = by_id[pid]
    return out


def issues(tables: Tables, sel: Selection) -> list:
    """The issues of the selected rows, plus those of sheets other than the three user sheets."""
    rows_by_sheet: dict[str, set[int]] = {}
    for key in ("projects", "activities", "payments"):
        info = tables.sheets.get(key)
        if info is not None:
            rows_by_sheet[info.name] = sel.rows(key, tables)
    return [i for i in tables.issues
            if i.sheet not in rows_by_sheet or (i.row is not None and i.row in rows_by_sheet[i.sheet])]


def filter_tables(tables: Tables, sel: Selection) -> Tables:
    """A copy of ``tables`` holding only the selection (rows keep their Excel row numbers)."""
    return dataclasses.replace(
        tables,
        projects=tables.projects.loc[sel.projects].copy(),
        activities=tables.activities.loc[sel.activities].copy(),
        payments=tables.payments.loc[sel.payments].copy(),
        issues=issues(tables, sel),
        history_rows=history_rows(tables.history_rows, sel.ids),
    )


def filter_by_id(frame: pd.DataFrame, ids: Iterable[str], column: str = "id") -> pd.DataFrame:
    """Rows of a Results frame (projects, changes, transitions: ``id``; payments: ``project_id``)."""
    if frame is None or frame.empty or column not in frame.columns:
        return frame
    return frame.loc[frame[column].isin(set(ids))]


def filter_results(results: Results, sel: Selection) -> Results:
    """A copy of ``results`` holding only the selection: per-project and per-payment frames, the
    week's changes, the transitions and History rows of its projects; the team-wide KPI dict is
    dropped (a per-owner output recomputes what it shows from the rows it may see)."""
    def rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
        # Results frames share the index of their Tables frame
        return frame.loc[mask.reindex(frame.index, fill_value=False).astype(bool)].copy()

    return dataclasses.replace(
        results, projects=rows(results.projects, sel.projects), payments=rows(results.payments, sel.payments),
        changes=filter_by_id(results.changes, sel.ids), transitions=filter_by_id(results.transitions, sel.ids),
        history_rows=history_rows(results.history_rows, sel.ids) if results.history_rows else [], kpis={})
