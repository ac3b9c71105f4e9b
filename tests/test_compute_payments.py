"""Installment status: collected / due / overdue / planned, overdue days, outstanding."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.tables_factory import frame
from xltrack.compute.payments import DUE_WINDOW_DAYS, overdue_by_project, payment_status

AS_OF = dt.date(2026, 11, 27)


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def status(rows, lang="zh"):
    return payment_status(frame("payments", rows), AS_OF, lang)


@pytest.mark.parametrize("planned, expected, days", [
    (1, "overdue", 1),
    (15, "overdue", 15),
    (0, "due", None),                      # due today is not late
    (-DUE_WINDOW_DAYS, "due", None),       # the last day of the window
    (-DUE_WINDOW_DAYS - 1, "planned", None),
])
def test_status_by_planned_date(planned, expected, days):
    s = status([dict(project_id="P-1", planned_date=ago(planned), planned_amount=100)]).iloc[0]
    assert s["status"] == expected
    assert (s["overdue_days"] == days) if days else (s["overdue_days"] != s["overdue_days"])
    assert s["outstanding"] == 100


def test_collected_rules():
    rows = [
        dict(project_id="P-1", planned_date=ago(30), planned_amount=100, actual_date=ago(29), actual_amount=100),
        dict(project_id="P-1", planned_date=ago(30), planned_amount=100, actual_date=ago(29)),  # amount not typed
        dict(project_id="P-1", planned_date=ago(30), planned_amount=100, actual_amount=120),
        dict(project_id="P-1", planned_date=ago(30), planned_amount=100, actual_date=ago(2), actual_amount=40),
        dict(project_id="P-1", planned_date=None, planned_amount=None),
        dict(project_id="P-1", planned_date=None, planned_amount=50, actual_amount=50),
    ]
    s = status(rows)
    assert s["status"].tolist() == ["collected", "collected", "collected", "overdue", "planned", "collected"]
    assert s["outstanding"].tolist()[:4] == [0, 0, 0, 60]
    assert s["collected_amount"].tolist()[:4] == [100, 100, 120, 40]
    assert s["overdue_days"].iloc[3] == 30


def test_status_text_in_both_languages():
    rows = [dict(project_id="P-1", planned_date=ago(d), planned_amount=1) for d in (3, 0, -90)]
    rows.append(dict(project_id="P-1", planned_date=ago(3), planned_amount=1, actual_amount=1))
    assert status(rows)["status_text"].tolist() == ["已逾期", "待回款", "计划中", "已回款"]
    assert status(rows, "en")["status_text"].tolist() == ["Overdue", "Due", "Planned", "Collected"]


def test_worst_overdue_per_project():
    rows = [dict(project_id="P-1", planned_date=ago(5), planned_amount=1),
            dict(project_id="P-1", planned_date=ago(20), planned_amount=1),
            dict(project_id="P-2", planned_date=ago(-5), planned_amount=1),
            dict(project_id=None, planned_date=ago(9), planned_amount=1)]
    od = overdue_by_project(status(rows))
    assert od.to_dict() == {"P-1": 20}


def test_empty_payments():
    s = status([])
    assert len(s) == 0 and overdue_by_project(s).empty
