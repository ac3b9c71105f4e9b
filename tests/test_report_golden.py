"""Golden reports: JSON and terminal tables of a small two-week scenario, in zh and en.

The scenario is built from hand-made tables (no workbook), refreshed on 2026-11-16 and again on
2026-11-27, so the week-over-week changes, transitions and points are all non-trivial.
Regenerate after an intended change and review the diff:

    XLTRACK_REGEN_GOLDEN=1 python3 -m pytest -q tests/test_report_golden.py
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tests.support.tables_factory import make_tables
from xltrack.compute.api import compute
from xltrack.issues import make_issue
from xltrack.formats import to_html, to_json, to_table

GOLDEN = Path(__file__).parent / "golden"
D1, D2 = dt.date(2026, 11, 16), dt.date(2026, 11, 27)


def _projects(later: bool) -> list[dict]:
    rows = [
        dict(id="P-0001", customer="华东电力", project="配网监测", contact="王总", owner="张三",
             stage="negotiation", amount=1_200_000, created="2026-08-03", expected_close="2026-12-20",
             next_step="报价", next_step_due="2026-11-24", negotiation_started="2026-10-10"),
        dict(id="P-0002", customer="蓝海物流", project="仓储系统", contact="李经理", owner="李四",
             requirement="WMS", stage="proposal" if later else "discovery", amount=480_000,
             created="2026-09-01", expected_close="2027-01-15" if later else "2026-12-31",
             next_step="方案讲解", next_step_due="2026-12-02", intent_confirmed="2026-09-20"),
        dict(id="P-0003", customer="星河医疗", project="影像云", owner="李四", stage="won" if later else "negotiation",
             amount=800_000, created="2026-06-01", expected_close="2026-11-20", next_step="签约",
             next_step_due="2026-11-25", contract_signed="2026-11-21" if later else None),
        dict(id="P-0004", customer="远航制造", project="MES", owner="王五", stage="lost" if later else "proposal",
             amount=300_000, created="2026-07-15", expected_close="2026-11-30", next_step="x",
             lost_reason="价格" if later else None, closed="2026-11-25" if later else None),
        dict(id="P-0005", customer="瑞丰食品", owner="王五", stage="lead", created="2026-10-20",
             expected_close="2027-03-31", next_step="电话"),
    ]
    if later:
        rows.append(dict(id="P-0006", customer="嘉禾教育", owner="张三", stage="lead", amount=150_000,
                         created="2026-11-24", expected_close="2027-02-28", next_step="拜访",
                         next_step_due="2026-12-01"))
    return rows


ACTS = [dict(project_id="P-0001", date="2026-11-15", type="call", owner="张三"),
        dict(project_id="P-0002", date="2026-11-26", type="visit", owner="李四"),
        dict(project_id="P-0003", date="2026-11-21", type="meeting", owner="李四"),
        dict(project_id="P-0005", date="2026-10-25", type="wechat", owner=None)]
PAYS = [dict(project_id="P-0003", installment="首付款", planned_date="2026-11-12", planned_amount=240_000),
        dict(project_id="P-0003", installment="第2期", planned_date="2026-12-20", planned_amount=560_000)]


def scenario(lang: str):
    issues = [make_issue("bad-date", lang, sheet="项目跟踪", cell="K7", field="expected_close", value="下月底"),
              make_issue("unknown-owner", lang, sheet="项目跟踪", cell="F6", field="owner", value="王伍")]
    first = compute(make_tables(_projects(False), ACTS, PAYS, lang=lang), D1)
    return compute(make_tables(_projects(True), ACTS, PAYS, lang=lang, issues=issues,
                               history_rows=first.history_rows), D2)


@pytest.mark.parametrize("name, render", [
    ("report-zh.json", lambda: to_json(scenario("zh"))),
    ("report-zh.txt", lambda: to_table(scenario("zh"))),
    ("report-en.txt", lambda: to_table(scenario("en"))),
])
def test_golden(name, render):
    text = render()
    path = GOLDEN / name
    if os.environ.get("XLTRACK_REGEN_GOLDEN"):
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    assert text.rstrip("\n") == path.read_text(encoding="utf-8").rstrip("\n")


def test_scenario_facts_by_hand():
    d = json.loads(to_json(scenario("zh")))
    assert d["changes"] | {} == {"baseline": "2026-11-16", "new": 1, "advanced": 1, "moved_back": 0,
                                 "won": 1, "lost": 1, "slipped": 1, "amount_changed": 0,
                                 "newly_red": d["changes"]["newly_red"], "amount_delta": 0.0}
    # points in November: P-0002 → proposal (2, 李四), P-0003 → won (5, 李四)
    assert {o["owner"]: o["points"] for o in d["by_owner"]} == {"张三": 0, "李四": 7, "王五": 0}
    assert d["collections"]["overdue_count"] == 1 and d["collections"]["max_overdue_days"] == 15
    assert d["issues"]["error"] == 1 and d["issues"]["warning"] == 1


def test_html_renders_the_same_numbers():
    html = to_html(scenario("en"))
    assert "Pipeline report" in html and "Funnel by stage" in html and "1,200,000" in html
