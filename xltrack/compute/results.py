"""What the rules and KPIs produce: the contract between compute, the planner and the sheets.

Producers: :func:`xltrack.compute.api.compute` (pure: Tables + as_of → Results).
Consumers: the write planner (computed columns), the owned-sheet builders (:mod:`xltrack.sheets`),
``xltrack report`` and the nightly digest.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

Light = Literal["red", "yellow", "green"]
LIGHT_RANK = {"red": 2, "yellow": 1, "green": 0}


@dataclass(slots=True)
class Results:
    as_of: dt.date
    lang: Literal["zh", "en"]
    currency: str

    # Same index and order as tables.projects. Columns:
    #   id, _row, stage (key), stage_kind, owner, amount,
    #   light ("red"/"yellow"/"green"; closed rows — won, lost, hold — are "green"),
    #   reasons (list[str], in the workbook's language, worst first), reason_text (joined "；"/"; "),
    #   reason_codes (list[str], language-free: idle, stage_days, next_step_missing,
    #                 next_step_overdue, close_past, gate, payment_overdue, …),
    #   entered_stage (datetime64), days_in_stage (float, NaN when unknown),
    #   last_follow_up (datetime64), idle_days (float), follow_ups (int),
    #   probability_used (float), weighted_amount (float, NaN when no amount)
    # Added (issue 4): stage_name (in the workbook language), customer, project, expected_close
    #   (datetime64), entered_from ("milestone"/"history"/"created"/None: the source of
    #   entered_stage), next_step_overdue_days (float, NaN when not overdue)
    projects: pd.DataFrame

    # Same index and order as tables.payments. Columns:
    #   project_id, _row, status ("collected"/"due"/"overdue"/"planned"), status_text (language),
    #   overdue_days (float; NaN when not overdue), outstanding (float)
    # Added (issue 4): planned_date, planned_amount, actual_date, collected_amount (the actual
    #   amount, else the planned amount of a collected row)
    payments: pd.DataFrame

    # The JSON contract of `xltrack report --format json` (docs/report-json.md): as_of, currency,
    # totals, by_stage, by_owner, forecast, collections, changes, issues.
    kpis: dict[str, Any]

    # Full content of the owned History sheet after this refresh, header row first
    # (the planner writes it verbatim; xltrack.compute.history defines the format and bound).
    history_rows: list[list[Any]] = field(default_factory=list)

    # Week-over-week changes, one row per project change: id, customer, project, owner,
    #   change ("new"/"advanced"/"moved_back"/"won"/"lost"/"slipped"/"amount_changed"/"newly_red"),
    #   change_text (language), from_value, to_value
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)

    # Stage transitions known (History + milestones): id, from_stage, to_stage, date
    # Added (issue 4): source ("history"/"milestone"/"closed"; from_stage is None for milestones)
    transitions: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """The report as the documented JSON object (docs/report-json.md)."""
        from ..formats.json_out import to_dict

        return to_dict(self)
