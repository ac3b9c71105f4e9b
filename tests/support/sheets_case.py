"""Hand-made Tables + Results for the owned-sheet tests (no compute involved).

Every figure in the KPI dict below is worked out by hand from the six projects and four payments,
so the sheet tests can compare against numbers nobody's code produced.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from xltrack.compute.results import Results
from xltrack.issues import make_issue
from xltrack.pipeline import default_pipeline
from xltrack.tables import SheetInfo, Tables

AS_OF = dt.date(2026, 11, 27)
T = pd.Timestamp

# id, customer, project, owner, stage, amount, light, reasons(zh), idle, days_in_stage, next_step, due
PROJECTS = [
    ("P-0001", "华东电力", "配网改造", "张三", "negotiation", 800_000.0, "red",
     ["12 天未跟进（红线 10 天）", "下一步已逾期 3 天"], 12.0, 30.0, "报价确认", T("2026-11-24")),
    ("P-0002", "星河科技", "数据平台", "李四", "proposal", 300_000.0, "yellow",
     ["8 天未跟进（黄线 7 天）"], 8.0, 10.0, "方案评审", T("2026-12-02")),
    ("P-0003", "=cmd|'/c calc'!A1", "注入测试", "张三", "lead", 50_000.0, "red",
     ["15 天未跟进（红线 14 天）"], 15.0, 20.0, None, pd.NaT),
    ("P-0004", "蓝天物流", "仓储系统", "王五", "won", 500_000.0, "green", [], 3.0, 5.0, None, pd.NaT),
    ("P-0005", "远山医药", "CRM 集成", "李四", "discovery", 120_000.0, "green", [], 2.0, 4.0, "需求会", T("2026-12-05")),
    ("P-0006", "北辰制造", "MES 升级", "王五", "lost", 200_000.0, "green", [], 40.0, 40.0, None, pd.NaT),
]
KIND = {"lead": "open", "discovery": "open", "proposal": "open", "negotiation": "open", "won": "won",
        "lost": "lost", "hold": "hold"}
PROB = {"lead": 0.1, "discovery": 0.25, "proposal": 0.5, "negotiation": 0.75, "won": 1.0, "lost": 0.0}

# project_id, installment, planned_date, planned_amount, actual_date, actual_amount, status, overdue_days, outstanding
PAYMENTS = [
    ("P-0004", "首付款", T("2026-10-10"), 200_000.0, T("2026-10-12"), 200_000.0, "collected", float("nan"), 0.0),
    ("P-0004", "第2期", T("2026-11-05"), 200_000.0, pd.NaT, float("nan"), "overdue", 22.0, 200_000.0),
    ("P-0004", "尾款", T("2026-11-30"), 100_000.0, pd.NaT, float("nan"), "due", float("nan"), 100_000.0),
    ("P-0001", "首付款", T("2027-01-15"), 240_000.0, pd.NaT, float("nan"), "planned", float("nan"), 240_000.0),
]
STATUS_ZH = {"collected": "已回款", "overdue": "已逾期", "due": "待回款", "planned": "计划中"}


def kpis() -> dict:
    """Worked out by hand from PROJECTS / PAYMENTS above, in the shape of xltrack.compute's KPIs."""
    open_amt = 800_000 + 300_000 + 50_000 + 120_000                    # 1,270,000
    weighted = 800_000 * .75 + 300_000 * .5 + 50_000 * .1 + 120_000 * .25   # 785,000

    def stage(key, count, amount, w, days, dwell, conv, red, yellow):
        return {"stage": key, "count": count, "amount": amount, "weighted_amount": w,
                "avg_days_in_stage": days, "avg_dwell_days": dwell, "conversion": conv,
                "red": red, "yellow": yellow}

    def owner(name, oc, oa, w, wc, wa, lc, rate, fu, red, yellow, adv, pts):
        return {"owner": name, "open_count": oc, "open_amount": oa, "weighted_amount": w, "won_count": wc,
                "won_amount": wa, "lost_count": lc, "win_rate": rate, "follow_ups": fu, "red": red,
                "yellow": yellow, "advances": adv, "points": pts}

    return {
        "as_of": AS_OF.isoformat(), "currency": "CNY", "lang": "zh",
        "totals": {"projects": 6, "open_count": 4, "open_amount": open_amt, "weighted_amount": weighted,
                   "won_count": 1, "won_amount": 500_000, "lost_count": 1, "win_rate": 0.5,
                   "avg_cycle_days": 42.0, "red": 2, "yellow": 1, "green": 3},
        "period": {"name": "month", "start": "2026-11-01", "end": "2026-11-30", "won_count": 1,
                   "won_amount": 500_000, "lost_count": 0, "win_rate": 1.0, "points": 11},
        "by_stage": [
            stage("lead", 1, 50_000, 5_000, 20.0, 6.0, 0.6, 1, 0),
            stage("discovery", 1, 120_000, 30_000, 4.0, 12.5, 0.5, 0, 0),
            stage("proposal", 1, 300_000, 150_000, 10.0, None, None, 0, 1),
            stage("negotiation", 1, 800_000, 600_000, 30.0, 20.0, 0.5, 1, 0),
            stage("won", 1, 500_000, 500_000, None, None, None, 0, 0),
            stage("lost", 1, 200_000, 0, None, None, None, 0, 0),
        ],
        "by_owner": [
            owner("张三", 2, 850_000, 605_000, 0, 0, 0, None, 3, 2, 0, 1, 3),
            owner("李四", 2, 420_000, 180_000, 0, 0, 0, None, 5, 0, 1, 2, 3),
            owner("王五", 0, 0, 0, 1, 500_000, 1, 0.5, 1, 0, 0, 1, 5),
        ],
        "forecast": [
            {"month": "2026-10", "count": 1, "amount": 50_000, "weighted_amount": 5_000},
            {"month": "2026-12", "count": 2, "amount": 1_100_000, "weighted_amount": 750_000},
            {"month": "2028-03", "count": 1, "amount": 120_000, "weighted_amount": 30_000},
        ],
        "collections": {"month": {"planned": 300_000, "collected": 0},
                        "quarter": {"planned": 500_000, "collected": 200_000},
                        "overdue_amount": 200_000, "overdue_count": 1, "due_amount": 100_000},
        "changes": {"new": 1, "advanced": 1},
        "issues": {"error": 1, "warning": 1},
    }


def make_case(lang: str = "zh", projects=PROJECTS, payments=PAYMENTS, kpi: dict | None = None,
              issues: list | None = None) -> tuple[Tables, Results]:
    pipeline = default_pipeline()
    rows = list(range(2, 2 + len(projects)))
    tp = pd.DataFrame({
        "id": [p[0] for p in projects], "customer": [p[1] for p in projects], "project": [p[2] for p in projects],
        "owner": [p[3] for p in projects], "stage": [p[4] for p in projects], "amount": [p[5] for p in projects],
        "next_step": [p[10] for p in projects], "next_step_due": pd.to_datetime([p[11] for p in projects]),
        "_row": rows,
    })
    sep = "；" if lang == "zh" else "; "
    rp = pd.DataFrame({
        "id": tp["id"], "_row": rows, "stage": tp["stage"], "stage_kind": [KIND[p[4]] for p in projects],
        "owner": tp["owner"], "amount": tp["amount"], "light": [p[6] for p in projects],
        "reasons": [p[7] for p in projects], "reason_text": [sep.join(p[7]) for p in projects],
        "reason_codes": [["idle"] * len(p[7]) for p in projects],
        "days_in_stage": [p[9] for p in projects], "idle_days": [p[8] for p in projects],
        "follow_ups": [1] * len(projects), "probability_used": [PROB.get(p[4], 0.0) for p in projects],
        "weighted_amount": [p[5] * PROB.get(p[4], 0.0) for p in projects],
    })
    prow = list(range(2, 2 + len(payments)))
    tpay = pd.DataFrame({
        "project_id": [p[0] for p in payments], "installment": [p[1] for p in payments],
        "planned_date": pd.to_datetime([p[2] for p in payments]), "planned_amount": [p[3] for p in payments],
        "actual_date": pd.to_datetime([p[4] for p in payments]), "actual_amount": [p[5] for p in payments],
        "_row": prow,
    })
    rpay = pd.DataFrame({
        "project_id": tpay["project_id"], "_row": prow, "status": [p[6] for p in payments],
        "status_text": [STATUS_ZH[p[6]] for p in payments], "overdue_days": [p[7] for p in payments],
        "outstanding": [p[8] for p in payments],
        "planned_date": tpay["planned_date"], "planned_amount": tpay["planned_amount"],
        "actual_date": tpay["actual_date"],
        "collected_amount": [p[5] if p[5] == p[5] and p[5] is not None else (p[3] if p[6] == "collected" else None)
                             for p in payments],
    })
    proj_name = "项目跟踪" if lang == "zh" else "Projects"
    pay_name = "回款计划" if lang == "zh" else "Payments"
    if issues is None:
        issues = [
            make_issue("unknown-owner", lang, sheet=proj_name, cell="F9", field="owner", value="赵六", row=9),
            make_issue("bad-date", lang, sheet=proj_name, cell="K3", field="expected_close", value="下周", row=3),
        ]
    tables = Tables(lang=lang, pipeline=pipeline, projects=tp, activities=pd.DataFrame(), payments=tpay,
                    issues=issues,
                    sheets={"projects": SheetInfo("projects", proj_name, 1, {"id": 1, "customer": 2}, {}, 7, 30),
                            "payments": SheetInfo("payments", pay_name, 1, {"project_id": 1}, {}, 5, 8)})
    changes = pd.DataFrame({
        "id": ["P-0002", "P-0005"], "customer": ["星河科技", "远山医药"], "project": ["数据平台", "CRM 集成"],
        "owner": ["李四", "李四"], "change": ["advanced", "new"],
        "change_text": ["需求挖掘 → 方案制定", "新项目"], "from_value": ["discovery", None],
        "to_value": ["proposal", None],
    })
    history = [["日期", "项目编号", "类型", "从", "到"],
               [dt.date(2026, 11, 20), "P-0002", "transition", "discovery", "proposal"],
               [dt.date(2026, 11, 20), "P-0001", "snapshot", None, 800000.0]]
    results = Results(as_of=AS_OF, lang=lang, currency="CNY", projects=rp, payments=rpay,
                      kpis=kpi if kpi is not None else kpis(), history_rows=history, changes=changes)
    return tables, results
