"""The numbers a manager has to trust, each on a case worked out by hand (issue 14).

Funnel conversion, points per stage advance, flagged payment values, the one risk order,
unidentified owners, undated open projects and an as-of date far from the data.
"""
from __future__ import annotations

import datetime as dt

from tests.support.tables_factory import make_tables
from xltrack.compute.api import compute
from xltrack.compute.risk import risk_order
from xltrack.formats.json_out import to_dict
from xltrack.issues import make_issue
from xltrack.nightly.digest import build_digest
from xltrack.pipeline import default_pipeline
from xltrack.pipeline.models import Owner

AS_OF = dt.date(2026, 12, 3)  # a Thursday: the week is Monday 2026-11-30 .. 12-06


def d(days_ago: int) -> str:
    return (AS_OF - dt.timedelta(days=days_ago)).isoformat()


def transition(days_ago: int, pid: str, to: str, frm: str) -> list:
    return ["阶段变化", AS_OF - dt.timedelta(days=days_ago), pid, to, frm, None, None, None, None, None]


def base(pid: str, stage: str, **kw) -> dict:
    row = dict(id=pid, customer=f"客户{pid}", owner="张三", stage=stage, amount=100_000.0, created=d(90),
               expected_close=d(-30), next_step="跟进", next_step_due=d(-3))
    row.update(kw)
    return row


def conversions(res) -> dict[str, float | None]:
    return {s["stage"]: s["conversion"] for s in res.kpis["by_stage"]}


def reached(res) -> dict[str, int | None]:
    return {s["stage"]: s["reached"] for s in res.kpis["by_stage"]}


# -- funnel conversion -----------------------------------------------------------------------
def test_a_milestone_ahead_of_the_current_stage_does_not_count_as_reaching_it():
    """P-2 is still in 方案制定 with a 方案递交 date (Negotiation's entry milestone). By hand:
    lead 4, discovery 3, proposal 3, negotiation 2 (P-3, P-4), won 1 → 方案→商务 2/3, 商务→成交 1/2.
    Counting P-2's milestone gave 3/3 = 100% and 1/3."""
    projects = [base("P-1", "lead"),
                base("P-2", "proposal", requirements_clarified=d(40), proposal_submitted=d(20)),
                base("P-3", "negotiation", requirements_clarified=d(50), proposal_submitted=d(30)),
                base("P-4", "won", requirements_clarified=d(80), proposal_submitted=d(60),
                     contract_signed=d(10), closed=d(10))]
    res = compute(make_tables(projects), AS_OF)
    assert reached(res) == {"lead": 4, "discovery": 3, "proposal": 3, "negotiation": 2, "won": 1,
                            "lost": None, "hold": None}
    conv = conversions(res)
    assert conv["proposal"] == round(2 / 3, 4) and conv["negotiation"] == 0.5


def test_history_agreeing_with_the_milestone_counts_it():
    """The same P-2, but History shows it was in 商务洽谈 and moved back: it reached 商务洽谈."""
    projects = [base("P-1", "lead"),
                base("P-2", "proposal", requirements_clarified=d(40), proposal_submitted=d(20)),
                base("P-3", "negotiation", requirements_clarified=d(50), proposal_submitted=d(30)),
                base("P-4", "won", contract_signed=d(10), closed=d(10))]
    hist = [transition(20, "P-2", "商务洽谈", "方案制定"), transition(5, "P-2", "方案制定", "商务洽谈")]
    res = compute(make_tables(projects, history_rows=hist), AS_OF)
    assert reached(res)["negotiation"] == 3
    assert conversions(res)["proposal"] == 1.0 and conversions(res)["negotiation"] == round(1 / 3, 4)


# -- points: the first entry into a stage only ----------------------------------------------------
def test_moving_back_and_forth_scores_the_stage_once_and_counts_the_moves_back():
    """方案制定 → 商务洽谈 → 方案制定 → 商务洽谈 this week: 商务洽谈 scores its 3 points once (it
    gave 6), and the move back is counted per owner."""
    hist = [transition(3, "P-1", "商务洽谈", "方案制定"), transition(2, "P-1", "方案制定", "商务洽谈"),
            transition(1, "P-1", "商务洽谈", "方案制定")]
    projects = [base("P-1", "negotiation", requirements_clarified=d(60))]
    res = compute(make_tables(projects, history_rows=hist), AS_OF, period="week")
    per = res.kpis["period"]
    assert per["advances"] == 1 and per["points"] == 3.0 and per["moves_back"] == 1
    (owner,) = [o for o in res.kpis["by_owner"] if o["owner"] == "张三"]
    assert (owner["points"], owner["advances"], owner["moves_back"]) == (3.0, 1, 1)


def test_three_round_trips_earn_the_points_once():
    hist = []
    for k in range(3):  # three times 方案制定 → 商务洽谈, with moves back in between
        hist.append(transition(6 - 2 * k, "P-1", "商务洽谈", "方案制定"))
        if k < 2:
            hist.append(transition(5 - 2 * k, "P-1", "方案制定", "商务洽谈"))
    projects = [base("P-1", "negotiation", created=d(200), requirements_clarified=d(120))]
    res = compute(make_tables(projects, history_rows=hist), AS_OF, period="quarter")
    per = res.kpis["period"]
    assert (per["points"], per["advances"], per["moves_back"]) == (3.0, 1, 2)


# -- flagged payment values ---------------------------------------------------------------------
def test_a_flagged_actual_payment_is_out_of_every_sum():
    """P-0046: planned 381,900 on 10-08, actual -5,000 typed on 10-19 (flagged negative-amount).
    By hand: nothing collected, outstanding 381,900 (not 386,900), overdue 56 days."""
    pays = [dict(project_id="P-0046", installment="首付款", planned_date="2026-10-08",
                 planned_amount=381_900.0, actual_date="2026-10-19", actual_amount=-5000.0, _row=2)]
    issues = [make_issue("negative-amount", "zh", sheet="回款计划", cell="F2", field="actual_amount",
                         value=-5000.0, row=2)]
    res = compute(make_tables([base("P-0046", "won", closed=d(70))], payments=pays, issues=issues), AS_OF)
    p = res.payments.iloc[0]
    assert p["status"] == "overdue" and p["outstanding"] == 381_900.0 and p["overdue_days"] == 56
    c = res.kpis["collections"]
    assert c["outstanding"] == 381_900.0 and c["collected_total"] == 0 and c["overdue_amount"] == 381_900.0


def test_a_non_numeric_actual_payment_does_not_count_as_collected():
    """待定 typed as the actual amount (bad-amount: the value is blank) with an actual date: without
    the flag it would count as collected at its planned amount."""
    pays = [dict(project_id="P-1", installment="首付款", planned_date=d(30), planned_amount=50_000.0,
                 actual_date=d(20), actual_amount=None, _row=2)]
    issues = [make_issue("bad-amount", "zh", sheet="回款计划", cell="F2", field="actual_amount",
                         value="待定", row=2)]
    res = compute(make_tables([base("P-1", "won", closed=d(40))], payments=pays, issues=issues), AS_OF)
    assert res.payments.iloc[0]["status"] == "overdue"
    assert res.kpis["collections"]["collected_total"] == 0 and res.kpis["collections"]["outstanding"] == 50_000.0
    plain = compute(make_tables([base("P-1", "won", closed=d(40))], payments=pays), AS_OF)
    assert plain.payments.iloc[0]["status"] == "collected"  # the same row, unflagged: receipt recorded


def test_a_negative_project_amount_is_out_of_the_pipeline_sums():
    projects = [base("P-1", "lead", amount=-50_000.0), base("P-2", "lead", amount=200_000.0)]
    res = compute(make_tables(projects), AS_OF)
    assert res.kpis["totals"]["open_amount"] == 200_000.0


# -- one risk order ------------------------------------------------------------------------------
def risk_case():
    projects = [
        base("P-1", "negotiation", amount=1_000_000.0, next_step_due=d(2)),           # red, idle 30
        base("P-2", "negotiation", amount=2_600_000.0, created=d(40)),               # red, never followed up
        base("P-3", "proposal", amount=5_000_000.0, next_step=None,
             requirements_clarified=d(5)),                                           # yellow, big
        base("P-4", "negotiation", amount=1_000_000.0, next_step_due=d(1)),          # red, idle 3
        base("P-5", "negotiation", amount=1_000_000.0, created=d(40), next_step_due=d(1)),  # red, never
    ]
    acts = [dict(project_id="P-1", date=d(30)), dict(project_id="P-3", date=d(2)),
            dict(project_id="P-4", date=d(3))]
    return make_tables(projects, acts)


def test_the_risk_order_is_worst_first_and_never_followed_up_is_most_idle():
    t = risk_case()
    res = compute(t, AS_OF)
    assert res.projects.set_index("id").loc["P-2", "idle_days"] != res.projects.set_index("id").loc["P-2", "idle_days"]
    order = res.projects.loc[risk_order(res.projects), "id"].tolist()
    # red first; among reds the larger amount; at 1,000,000: never followed up, then idle 30, then 3
    assert order == ["P-2", "P-5", "P-1", "P-4", "P-3"]


def test_the_sheet_the_report_and_the_digest_use_the_same_order():
    from xltrack.sheets.context import make_ctx
    from xltrack.sheets.risk_list import risk_records

    t = risk_case()
    res = compute(t, AS_OF)
    report = [r["id"] for r in to_dict(res)["risks"]]
    assert report == ["P-2", "P-5", "P-1", "P-4", "P-3"]
    digest = [r.id for r in build_digest(t, res).red]
    assert digest == ["P-2", "P-5", "P-1", "P-4"]
    assert [r["id"] for r in risk_records(make_ctx(t, res))] == report


# -- unidentified owners ----------------------------------------------------------------------
def test_names_not_on_the_owner_list_are_grouped_as_unidentified():
    pipe = default_pipeline().model_copy(update={"owners": [Owner(name="罗杰"), Owner(name="张三")]})
    projects = [base("P-1", "lead", owner="罗杰", amount=100.0), base("P-2", "lead", owner="罗洁", amount=200.0),
                base("P-3", "lead", owner=None, amount=400.0), base("P-4", "lead", owner="王某", amount=800.0)]
    res = compute(make_tables(projects, pipeline=pipe), AS_OF)
    rows = {o["owner"]: o for o in res.kpis["by_owner"]}
    assert list(rows) == ["罗杰", "张三", None]
    assert rows["罗杰"]["open_amount"] == 100.0 and rows["张三"]["open_count"] == 0
    un = rows[None]
    assert un["unidentified"] is True and un["names"] == ["罗洁", "王某"]
    assert (un["open_count"], un["open_amount"]) == (3, 1400.0)


def test_without_an_owner_list_every_name_is_an_owner():
    projects = [base("P-1", "lead", owner="罗杰"), base("P-2", "lead", owner="罗洁")]
    res = compute(make_tables(projects), AS_OF)
    assert [o["owner"] for o in res.kpis["by_owner"]] == ["罗杰", "罗洁"]


# -- an as-of date far from the data ----------------------------------------------------------
def test_an_as_of_far_after_the_data_is_said_with_the_newest_date():
    projects = [base("P-1", "lead", created="2021-03-01"), base("P-2", "lead", created="2021-05-10")]
    res = compute(make_tables(projects), AS_OF)
    dd = res.kpis["data_dates"]
    assert dd == {"newest": "2021-05-10", "days": (AS_OF - dt.date(2021, 5, 10)).days,
                  "after_as_of": 0.0, "warning": "stale"}
    from xltrack.formats.text import to_table

    first = to_table(res).splitlines()[0]
    assert first == ("注意：截至日期 2026-12-03 远晚于数据——数据中最新的日期是 2021-05-10（早 2033 天），"
                     "状态灯会因此大多变红。请确认 --as-of 或数据是否正确。")


def test_an_as_of_before_most_of_the_data_is_said_once():
    projects = [base("P-1", "lead", created="2027-03-01"), base("P-2", "lead", created="2027-05-10"),
                base("P-3", "lead", created="2026-01-01")]
    res = compute(make_tables(projects, lang="en"), AS_OF)
    assert res.kpis["data_dates"]["warning"] == "ahead"
    from xltrack.formats.text import to_table

    text = to_table(res)
    assert text.count("the newest date found is 2027-05-10") == 1
    assert text.startswith("Note: the as-of date 2026-12-03 is before most of the data")


def test_data_near_the_as_of_date_says_nothing():
    res = compute(make_tables([base("P-1", "lead", created=d(10))]), AS_OF)
    assert res.kpis["data_dates"]["warning"] is None
