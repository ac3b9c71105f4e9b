"""Stage entries: every known date a project entered a stage, from milestones, ``closed`` and History.

The events feed conversion (how far each project got), dwell (time between consecutive entries)
and stage advances (points). Integer keys (a project's position among the distinct IDs) and numpy
sorting keep this at a few tens of milliseconds for 50,000 projects, where a groupby on string IDs
took ten times longer.

Rules: consecutive entries into the same stage collapse to the earliest; a project's first History
transition also says it was in its ``from`` stage since its created date, unless a milestone dated
before that transition says more.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..pipeline.models import Pipeline

CREATED, MILESTONE, CLOSED, HISTORY = 0, 1, 2, 3  # source of an entry; also its tie-break order
_NAT = np.datetime64("NaT", "ns")


def project_keys(projects: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    """The distinct project IDs and, per row, its position among them (-1: no ID)."""
    ids = projects["id"].to_numpy(dtype=object)
    known = pd.Index(pd.unique(ids[~pd.isna(ids)]))
    return known, known.get_indexer(ids)


def _dates(s: pd.Series) -> np.ndarray:
    return pd.to_datetime(s).to_numpy(dtype="datetime64[ns]")


def stage_events(projects: pd.DataFrame, pipeline: Pipeline, transitions: pd.DataFrame,
                 known: pd.Index, rowk: np.ndarray) -> pd.DataFrame:
    """All known stage entries, ordered per project and collapsed.

    Columns: ``k`` (position of the project ID in ``known``), ``s`` (index into
    ``pipeline.stages``), ``stage`` (key), ``date``, ``src`` (CREATED…HISTORY). Integer keys and
    numpy sorting keep this at a few milliseconds for 50,000 projects.
    """
    sidx = {st.key: i for i, st in enumerate(pipeline.stages)}
    ks, ss, ds, srcs = [], [], [], []

    def add(k, s, d, src):
        ks.append(np.asarray(k, dtype="int64"))
        ss.append(np.broadcast_to(np.asarray(s, dtype="int64"), (len(ks[-1]),)))
        ds.append(np.asarray(d, dtype="datetime64[ns]"))
        srcs.append(np.full(len(ks[-1]), src, dtype="int64"))

    has_id = rowk >= 0
    for i, st in enumerate(pipeline.stages):
        cols = [c for c in st.entry if c in projects.columns]
        if not cols:
            continue
        d = np.full(len(projects), _NAT)
        for c in cols:
            v = _dates(projects[c])
            fill = np.isnat(d) & ~np.isnat(v)
            d[fill] = v[fill]
        ok = has_id & ~np.isnat(d)
        add(rowk[ok], i, d[ok], MILESTONE)
    # won/lost: `closed` is the entry date of the current stage
    cur_s = projects["stage"].map(sidx).to_numpy(dtype="float64")
    kind = projects["stage"].map({st.key: st.kind for st in pipeline.stages}).to_numpy(dtype=object)
    closed = _dates(projects["closed"])
    ok = has_id & np.isin(kind, ["won", "lost"]) & ~np.isnat(closed)
    add(rowk[ok], cur_s[ok].astype("int64"), closed[ok], CLOSED)
    n_ms = len(ks)  # the milestone and closed entries so far
    if len(transitions):
        tk = known.get_indexer(transitions["id"].to_numpy(dtype=object))
        ts = transitions["to_stage"].map(sidx).to_numpy(dtype="float64")
        fs = transitions["from_stage"].map(sidx).to_numpy(dtype="float64")
        td = transitions["date"].to_numpy(dtype="datetime64[ns]")
        ok = (tk >= 0) & ~np.isnan(ts) & ~np.isnat(td)
        add(tk[ok], ts[ok].astype("int64"), td[ok], HISTORY)
        # the first transition says the project was in its `from` stage since it was created
        order = np.lexsort((td[ok], tk[ok]))
        fk, first_at = np.unique(tk[ok][order], return_index=True)
        f_from = fs[ok][order][first_at]
        f_date = td[ok][order][first_at]
        created = np.full(len(known), _NAT)
        created[rowk[has_id]] = _dates(projects["created"])[has_id]
        c = created[fk]
        # ...unless a milestone already says more about where it was before that transition
        first_ms = np.full(len(known), np.iinfo("int64").max, dtype="int64")
        if n_ms:
            mk, md = np.concatenate(ks[:n_ms]), np.concatenate(ds[:n_ms]).view("int64")
            valid = md != np.iinfo("int64").min
            np.minimum.at(first_ms, mk[valid], md[valid])
        no_ms = first_ms[fk] >= f_date.view("int64")  # the same date is that transition itself
        good = ~np.isnan(f_from) & ~np.isnat(c) & (c <= f_date) & no_ms
        add(fk[good], f_from[good].astype("int64"), c[good], CREATED)
    k, s_, d, src = (np.concatenate(x) if x else np.empty(0, dtype=t)
                     for x, t in ((ks, "int64"), (ss, "int64"), (ds, "datetime64[ns]"), (srcs, "int64")))
    keep = _agreed(k, s_, src, pipeline, projects, len(known), rowk)
    k, s_, d, src = k[keep], s_[keep], d[keep], src[keep]
    order = np.lexsort((src, d, k))
    k, s_, d, src = k[order], s_[order], d[order], src[order]
    same = np.zeros(len(k), dtype=bool)
    same[1:] = (k[1:] == k[:-1]) & (s_[1:] == s_[:-1])  # consecutive entries into the same stage
    keys = np.array([st.key for st in pipeline.stages], dtype=object)
    k, s_, d, src = k[~same], s_[~same], d[~same], src[~same]
    return pd.DataFrame({"k": k, "s": s_, "stage": keys[s_] if len(s_) else np.empty(0, dtype=object),
                         "date": d, "src": src})


def _agreed(k: np.ndarray, s: np.ndarray, src: np.ndarray, pipeline: Pipeline, projects: pd.DataFrame,
            nk: int, rowk: np.ndarray) -> np.ndarray:
    """Which entries to keep: a milestone date counts a project as having reached a stage only
    where its current stage or its History agrees (DESIGN) — an open project's milestone for a
    stage beyond its current one, with no History entry that far, is dropped. Won, lost and
    on-hold projects are past every open stage, so their milestones stand."""
    order = np.array([st.order for st in pipeline.stages], dtype="float64")
    sidx = {st.key: i for i, st in enumerate(pipeline.stages)}
    cur = projects["stage"].map(sidx).to_numpy(dtype="float64")
    kind = projects["stage"].map({st.key: st.kind for st in pipeline.stages}).to_numpy(dtype=object)
    row_reach = np.where(np.isnan(cur), -np.inf, order[np.nan_to_num(cur, nan=0).astype("int64")])
    row_reach[np.isin(kind, ["won", "lost", "hold"])] = np.inf
    reach = np.full(nk, -np.inf)
    has = rowk >= 0
    np.maximum.at(reach, rowk[has], row_reach[has])  # a duplicated ID: its furthest row
    hist = (src == HISTORY) | (src == CREATED)  # CREATED entries come from a History transition
    if hist.any():
        np.maximum.at(reach, k[hist], order[s[hist]])
    return (src != MILESTONE) | (order[s] <= reach[k])


def advances(ev: pd.DataFrame, pipeline: Pipeline) -> pd.DataFrame:
    """Entries that are stage advances and score points: into a higher open stage or won from an
    open stage, or a first recorded entry beyond the first stage (a milestone implies the earlier
    stages) — and only the **first** entry of the project into that stage (moving back and
    forward again scores nothing)."""
    kind = np.array([st.kind for st in pipeline.stages], dtype=object)
    order = np.array([st.order for st in pipeline.stages])
    first_open = next(i for i, st in enumerate(pipeline.stages) if st.kind == "open")
    k, s = ev["k"].to_numpy(), ev["s"].to_numpy()
    has_prev = np.zeros(len(k), dtype=bool)
    has_prev[1:] = k[1:] == k[:-1]
    prev = np.roll(s, 1)
    to_ok = np.isin(kind[s], ["open", "won"])
    up = has_prev & (kind[prev] == "open") & (order[s] > order[prev])
    first = ~has_prev & (s != first_open) & (ev["src"].to_numpy() != CREATED)
    # events are in date order per project: a (project, stage) seen before is a re-entry
    again = pd.DataFrame({"k": k, "s": s}).duplicated().to_numpy()
    return ev.loc[to_ok & (up | first) & ~again]


def moves_back(ev: pd.DataFrame, pipeline: Pipeline) -> pd.DataFrame:
    """Entries into a lower open stage straight from an open stage (shown per owner, never scored)."""
    kind = np.array([st.kind for st in pipeline.stages], dtype=object)
    order = np.array([st.order for st in pipeline.stages])
    k, s = ev["k"].to_numpy(), ev["s"].to_numpy()
    has_prev = np.zeros(len(k), dtype=bool)
    has_prev[1:] = k[1:] == k[:-1]
    prev = np.roll(s, 1)
    back = has_prev & (kind[prev] == "open") & (kind[s] == "open") & (order[s] < order[prev])
    return ev.loc[back]


def dwell(ev: pd.DataFrame) -> pd.DataFrame:
    """Completed stays: (stage, days from its entry to the next entry)."""
    k, d = ev["k"].to_numpy(), ev["date"].to_numpy()
    has_next = np.zeros(len(k), dtype=bool)
    has_next[:-1] = k[:-1] == k[1:]
    days = (np.roll(d, -1) - d).astype("timedelta64[D]").astype("float64")
    ok = has_next & (days >= 0)
    return pd.DataFrame({"stage": ev["stage"].to_numpy()[ok], "days": days[ok]})
