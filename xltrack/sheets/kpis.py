"""Reading the KPI JSON contract (``Results.kpis``) into the few figures the sheets show.

The KPI dict is the documented JSON of ``xltrack report --format json`` (docs/report-json.md).
This module is the one place the owned sheets depend on its key names, so a renamed key is fixed
here once. A figure the dict does not hold is ``None`` and the sheets show an empty cell rather
than a made-up zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .style import number


def first(d: Mapping[str, Any] | None, *names: str) -> Any:
    """The value of the first of ``names`` present in ``d`` (``None`` when none is)."""
    if not d:
        return None
    for n in names:
        if n in d:
            return d[n]
    return None


def num(d: Mapping[str, Any] | None, *names: str) -> float | None:
    return number(first(d, *names))


@dataclass(frozen=True, slots=True)
class Totals:
    open_count: float | None
    open_amount: float | None
    weighted: float | None
    won_count: float | None
    won_amount: float | None
    lost_count: float | None
    win_rate: float | None
    avg_cycle_days: float | None
    red: float | None
    yellow: float | None
    green: float | None
    period: str | None


def totals(kpis: Mapping[str, Any]) -> Totals:
    t = kpis.get("totals") or {}
    return Totals(
        open_count=num(t, "open_count", "open"),
        open_amount=num(t, "open_amount", "pipeline_amount"),
        weighted=num(t, "weighted_amount", "weighted"),
        won_count=num(t, "won_count", "won"),
        won_amount=num(t, "won_amount"),
        lost_count=num(t, "lost_count", "lost"),
        win_rate=num(t, "win_rate"),
        avg_cycle_days=num(t, "avg_cycle_days", "average_cycle_days", "cycle_days"),
        red=num(t, "red", "red_count"),
        yellow=num(t, "yellow", "yellow_count"),
        green=num(t, "green", "green_count"),
        period=first(kpis, "period") or first(t, "period"),
    )


@dataclass(frozen=True, slots=True)
class Collections:
    planned_month: float | None
    collected_month: float | None
    planned_quarter: float | None
    collected_quarter: float | None
    overdue_amount: float | None
    overdue_count: float | None


def collections(kpis: Mapping[str, Any]) -> Collections:
    c = kpis.get("collections") or {}
    return Collections(
        planned_month=num(c, "planned_this_month", "month_planned", "planned_month"),
        collected_month=num(c, "collected_this_month", "month_collected", "collected_month"),
        planned_quarter=num(c, "planned_this_quarter", "quarter_planned", "planned_quarter"),
        collected_quarter=num(c, "collected_this_quarter", "quarter_collected", "collected_quarter"),
        overdue_amount=num(c, "overdue_amount", "overdue"),
        overdue_count=num(c, "overdue_count"),
    )


def by_stage(kpis: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """``by_stage`` keyed by stage key."""
    out: dict[str, Mapping[str, Any]] = {}
    for row in kpis.get("by_stage") or []:
        key = first(row, "stage", "key")
        if key is not None:
            out[str(key)] = row
    return out


def by_owner(kpis: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [r for r in (kpis.get("by_owner") or []) if first(r, "owner", "name") is not None]


def forecast(kpis: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """``(month "YYYY-MM", amount, weighted)`` sorted by month."""
    rows = []
    for r in kpis.get("forecast") or []:
        m = first(r, "month")
        if m is None:
            continue
        rows.append((str(m), num(r, "amount") or 0.0, num(r, "weighted", "weighted_amount") or 0.0))
    return sorted(rows)
