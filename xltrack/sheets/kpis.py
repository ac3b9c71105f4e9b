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
    won_count: float | None          # all time
    lost_count: float | None         # all time
    win_rate: float | None           # all time: won / (won + lost)
    avg_cycle_days: float | None     # all time, created → won
    red: float | None
    yellow: float | None
    green: float | None
    period: str | None               # "week" / "month" / "quarter"
    period_won_count: float | None
    period_won_amount: float | None


def totals(kpis: Mapping[str, Any]) -> Totals:
    t = kpis.get("totals") or {}
    p = kpis.get("period") if isinstance(kpis.get("period"), Mapping) else {}
    return Totals(
        open_count=num(t, "open_count"), open_amount=num(t, "open_amount"),
        weighted=num(t, "weighted_amount"), won_count=num(t, "won_count"),
        lost_count=num(t, "lost_count"), win_rate=num(t, "win_rate"),
        avg_cycle_days=num(t, "avg_cycle_days"),
        red=num(t, "red"), yellow=num(t, "yellow"), green=num(t, "green"),
        period=first(p, "name"), period_won_count=num(p, "won_count"),
        period_won_amount=num(p, "won_amount"),
    )


@dataclass(frozen=True, slots=True)
class Collections:
    planned_month: float | None
    collected_month: float | None
    planned_quarter: float | None
    collected_quarter: float | None
    overdue_amount: float | None
    overdue_count: float | None
    due_amount: float | None


def collections(kpis: Mapping[str, Any]) -> Collections:
    c = kpis.get("collections") or {}
    m, q = c.get("month") or {}, c.get("quarter") or {}
    return Collections(
        planned_month=num(m, "planned"), collected_month=num(m, "collected"),
        planned_quarter=num(q, "planned"), collected_quarter=num(q, "collected"),
        overdue_amount=num(c, "overdue_amount"), overdue_count=num(c, "overdue_count"),
        due_amount=num(c, "due_amount"),
    )


def by_stage(kpis: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """``by_stage`` keyed by stage key."""
    return {str(r["stage"]): r for r in kpis.get("by_stage") or [] if r.get("stage") is not None}


def by_owner(kpis: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``by_owner`` rows; the row of projects with no owner has ``owner`` None."""
    return list(kpis.get("by_owner") or [])


def forecast(kpis: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """``(month "YYYY-MM", amount, weighted)`` sorted by month."""
    rows = [(str(r["month"]), num(r, "amount") or 0.0, num(r, "weighted_amount") or 0.0)
            for r in kpis.get("forecast") or [] if r.get("month")]
    return sorted(rows)
