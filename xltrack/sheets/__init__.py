"""The xltrack-owned summary sheets: Results (+ the normalized tables) → SheetWrites.

One module per sheet; :mod:`.style` holds the shared look, :mod:`.kpis` the one place that reads
the KPI JSON's key names. Everything here is pure: the same tables and results give equal
SheetWrites (no clock, no randomness, total orders for every sort).
"""
from __future__ import annotations

from ..compute.results import Results
from ..plan import SheetWrite
from ..tables import Tables
from . import by_owner, changes, collections, dashboard, funnel, history_sheet, issues_sheet, risk_list
from .context import make_ctx

# Workbook order of the owned sheets (layout.toml lists them in this order too).
BUILDERS = {
    "dashboard": dashboard.build,
    "funnel": funnel.build,
    "by_owner": by_owner.build,
    "risk_list": risk_list.build,
    "changes": changes.build,
    "collections": collections.build,
    "issues": issues_sheet.build,
    "history": history_sheet.build,
}


def build_sheets(tables: Tables, results: Results) -> list[SheetWrite]:
    """Every owned sheet, in workbook order, in the workbook's language (``results.lang``)."""
    ctx = make_ctx(tables, results)
    return [build(ctx) for build in BUILDERS.values()]


__all__ = ["BUILDERS", "build_sheets"]
