"""The planner: computed columns resolved to sheet columns, assigned IDs, owned sheets, summary."""
from __future__ import annotations

import datetime as dt

from tests.support.tables_factory import make_tables
from xltrack.compute.api import compute
from xltrack.issues import make_issue
from xltrack.pipeline import layout
from xltrack.planner import make_plan
from xltrack.planner.columns import LIGHT_STYLE

AS_OF = dt.date(2026, 11, 27)


def _tables(**kw):
    projects = [
        {"_row": 2, "id": "P-0001", "customer": "甲公司", "owner": "张伟", "stage": "negotiation", "amount": 100000,
         "created": "2026-09-01", "next_step": "报价", "next_step_due": "2026-11-01"},
        {"_row": 3, "id": "P-0002", "customer": "乙公司", "owner": "王芳", "stage": "lead", "amount": 5000,
         "created": "2026-11-20", "next_step": "拜访", "next_step_due": "2026-12-01"},
    ]
    payments = [{"_row": 2, "project_id": "P-0001", "planned_date": "2026-10-01", "planned_amount": 1000}]
    return make_tables(projects, [], payments, **kw)


def test_computed_columns_go_after_the_last_column_in_layout_order():
    t = _tables()
    plan = make_plan(t, compute(t, AS_OF))
    proj = [c for c in plan.columns if c.sheet == "项目跟踪"]
    owned = [c.key for c in layout().sheet("projects").owned_columns]
    assert [c.key for c in proj] == owned
    first = t.sheets["projects"].last_col + 1
    assert [c.col for c in proj] == list(range(first, first + len(owned)))
    light = proj[0]
    assert light.header.value == "状态灯" and light.rows == [2, 3]
    assert [c.value for c in light.cells][0] in ("红", "黄", "绿")
    assert light.cells[0].style is LIGHT_STYLE[{"红": "red", "黄": "yellow", "绿": "green"}[light.cells[0].value]]
    pay = [c for c in plan.columns if c.sheet == "回款计划"]
    assert [c.key for c in pay] == ["status", "overdue_days"]
    assert pay[1].cells[0].value == 57      # planned 2026-10-01, nothing collected
    assert plan.summary["projects"] == 2 and sum(plan.summary[k] for k in ("red", "yellow", "green")) == 2


def test_an_existing_computed_column_is_written_where_it_is():
    t = _tables()
    t.sheets["projects"].columns["light"] = 30
    plan = make_plan(t, compute(t, AS_OF))
    cols = {c.key: c.col for c in plan.columns if c.sheet == "项目跟踪"}
    assert cols["light"] == 30 and cols["risk_reasons"] == t.sheets["projects"].last_col + 1


def test_assigned_ids_and_row_issues():
    issues = [make_issue("id-assigned", "zh", sheet="项目跟踪", cell="A3", field="id", value=None, row=3,
                         normalized="P-0002"),
              make_issue("bad-amount", "zh", sheet="项目跟踪", cell="H2", field="amount", value="abc", row=2)]
    t = _tables(issues=issues)
    plan = make_plan(t, compute(t, AS_OF))
    assert [(c.row, c.col, c.cell.value) for c in plan.cells] == [(3, 1, "P-0002")]
    issues_col = next(c for c in plan.columns if c.key == "data_issues")
    assert [c.value for c in issues_col.cells] == ["无法识别的金额：abc", None]
    assert {s.key for s in plan.sheets} >= {"history", "issues"}
