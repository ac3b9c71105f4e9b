"""The one risk order, "worst first", used by every list of projects to act on.

The Risk list sheet, the CLI/HTML/JSON report's ``risks`` and the e-mail digest's red list (and
the chat robots) all sort with :func:`risk_order`; docs/rules.md states the key:

1. red before yellow (before green, for callers that keep green rows);
2. the larger amount first (a blank amount counts as 0);
3. the longer idle first — a project **never followed up counts as the most idle** (its idle
   days are unknown, which is worse than any known number);
4. the project ID, then the row order, so the order is total: a refresh twice gives the same list.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .results import LIGHT_RANK


def risk_order(projects: pd.DataFrame) -> pd.Index:
    """The index of ``projects`` (a :class:`Results` ``projects`` frame, or a subset) worst first.

    Reads the columns ``light``, ``amount``, ``idle_days`` and ``id`` (a missing one counts as
    blank for every row); keeps every row.
    """
    if not len(projects):
        return projects.index

    def col(name: str) -> pd.Series:
        return projects[name] if name in projects.columns else pd.Series(None, index=projects.index, dtype=object)

    light = col("light").map(LIGHT_RANK).astype("float64").fillna(-1).to_numpy()
    amount = pd.to_numeric(col("amount"), errors="coerce").fillna(0.0).to_numpy(dtype="float64")
    idle = pd.to_numeric(col("idle_days"), errors="coerce").fillna(np.inf).to_numpy(dtype="float64")
    ids = col("id").astype(object).where(col("id").notna(), "").astype(str).to_numpy()
    pos = np.arange(len(projects))
    # np.lexsort sorts by its last key first
    order = np.lexsort((pos, ids, -idle, -amount, -light))
    return projects.index[order]


def risks(projects: pd.DataFrame) -> pd.DataFrame:
    """The red and yellow rows of ``projects``, worst first (:func:`risk_order`)."""
    if "light" not in projects.columns:
        return projects.iloc[0:0]
    r = projects.loc[projects["light"].isin(["red", "yellow"])]
    return r.loc[risk_order(r)]
