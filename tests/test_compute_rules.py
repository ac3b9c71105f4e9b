"""Golden cases for the per-project rules: every threshold at N-1, N, N+1, every reason in zh and en."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.tables_factory import make_tables
from xltrack.compute.api import compute
from xltrack.pipeline import default_pipeline

AS_OF = dt.date(2026, 11, 27)


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def healthy(**over):
    """A negotiation project with nothing wrong: recent activity, entered 3 days ago, dates ahead."""
    row = dict(id="P-0001", customer="华为", contact="王总", owner="张三", stage="negotiation",
               amount=1_000_000, created=ago(60), expected_close=ago(-30), next_step="报价",
               next_step_due=ago(-5), negotiation_started=ago(3))
    row.update(over)
    return row


def one(project, activities=None, payments=None, lang="zh", pipeline=None):
    if activities is None:
        activities = [dict(project_id=project.get("id", "P-0001"), date=ago(1))]
    t = make_tables([project], activities, payments or [], lang=lang, pipeline=pipeline)
    return compute(t, AS_OF).projects.iloc[0]


def test_healthy_row_is_green_with_no_reasons():
    r = one(healthy())
    assert r["light"] == "green" and r["reasons"] == [] and r["reason_codes"] == []
    assert r["idle_days"] == 1 and r["days_in_stage"] == 3 and r["follow_ups"] == 1


@pytest.mark.parametrize("idle, light, zh, en", [
    (4, "green", None, None),
    (5, "yellow", "5 天未跟进（黄线 5 天）", "No follow-up for 5 days (yellow at 5 days)"),
    (6, "yellow", "6 天未跟进（黄线 5 天）", "No follow-up for 6 days (yellow at 5 days)"),
    (9, "yellow", "9 天未跟进（黄线 5 天）", "No follow-up for 9 days (yellow at 5 days)"),
    (10, "red", "10 天未跟进（红线 10 天）", "No follow-up for 10 days (red at 10 days)"),
    (11, "red", "11 天未跟进（红线 10 天）", "No follow-up for 11 days (red at 10 days)"),
    (12, "red", "12 天未跟进（红线 10 天）", "No follow-up for 12 days (red at 10 days)"),
])
def test_idle_thresholds_are_reached_at_n(idle, light, zh, en):
    acts = [dict(project_id="P-0001", date=ago(idle))]
    for lang, text in (("zh", zh), ("en", en)):
        r = one(healthy(), acts, lang=lang)
        assert r["idle_days"] == idle
        assert r["light"] == light
        assert r["reasons"] == ([text] if text else [])
        assert r["reason_codes"] == (["idle"] if text else [])


@pytest.mark.parametrize("days, light, zh, en", [
    (20, "green", None, None),
    (21, "yellow", "本阶段已停留 21 天（黄线 21 天）", "In this stage for 21 days (yellow at 21 days)"),
    (22, "yellow", "本阶段已停留 22 天（黄线 21 天）", "In this stage for 22 days (yellow at 21 days)"),
    (44, "yellow", "本阶段已停留 44 天（黄线 21 天）", "In this stage for 44 days (yellow at 21 days)"),
    (45, "red", "本阶段已停留 45 天（红线 45 天）", "In this stage for 45 days (red at 45 days)"),
    (46, "red", "本阶段已停留 46 天（红线 45 天）", "In this stage for 46 days (red at 45 days)"),
])
def test_days_in_stage_thresholds(days, light, zh, en):
    for lang, text in (("zh", zh), ("en", en)):
        r = one(healthy(negotiation_started=ago(days)), lang=lang)
        assert r["days_in_stage"] == days and r["light"] == light
        assert r["reasons"] == ([text] if text else [])


@pytest.mark.parametrize("late, light, zh, en", [
    (-1, "green", None, None),
    (0, "green", None, None),
    (1, "red", "下一步已逾期 1 天", "Next step overdue by 1 day"),
    (3, "red", "下一步已逾期 3 天", "Next step overdue by 3 days"),
])
def test_next_step_overdue(late, light, zh, en):
    for lang, text in (("zh", zh), ("en", en)):
        r = one(healthy(next_step_due=ago(late)), lang=lang)
        assert r["light"] == light and r["reasons"] == ([text] if text else [])


def test_next_step_missing_on_a_stage_without_that_gate():
    row = healthy(stage="proposal", requirements_clarified=ago(2), negotiation_started=None, next_step=None)
    assert one(row)["reasons"] == ["缺少下一步计划"]
    assert one(row, lang="en")["reasons"] == ["No next step"]
    assert one(row)["light"] == "yellow"


def test_a_gated_field_is_reported_once_by_the_gate():
    r = one(healthy(next_step=None))  # negotiation requires next_step
    assert r["reasons"] == ["缺少必填：下一步计划"] and r["reason_codes"] == ["gate"]
    assert one(healthy(next_step=None), lang="en")["reasons"] == ["Missing required: Next step"]
    r = one(healthy(expected_close=None))  # ... and expected_close
    assert r["reasons"] == ["缺少必填：预计成交日期"] and r["light"] == "yellow"


@pytest.mark.parametrize("days, light", [(-1, "green"), (0, "green"), (1, "yellow")])
def test_expected_close_in_the_past(days, light):
    r = one(healthy(expected_close=ago(days)))
    assert r["light"] == light
    assert r["reasons"] == ([f"预计成交日期已过 {days} 天"] if light != "green" else [])
    if light != "green":
        assert one(healthy(expected_close=ago(days)), lang="en")["reasons"] == [
            "Expected close date passed 1 day ago"]
    late = one(healthy(expected_close=ago(40)), lang="en")
    assert late["reasons"] == ["Expected close date passed 40 days ago"]


def test_missing_expected_close_on_an_ungated_stage():
    row = dict(id="P-0001", customer="A", owner="张三", stage="lead", created=ago(3), next_step="x")
    r = one(row)
    assert r["reasons"] == ["缺少预计成交日期"] and r["reason_codes"] == ["close_missing"]
    assert one(row, lang="en")["reasons"] == ["No expected close date"]


def test_gate_on_an_extra_user_column_present_or_absent():
    pipe = default_pipeline()
    pipe.stage("negotiation").required.append("决策链")
    r = one(healthy(**{"决策链": None}), pipeline=pipe)
    assert r["reasons"] == ["缺少必填：决策链"] and r["light"] == "yellow"
    assert one(healthy(), pipeline=pipe, lang="en")["reasons"] == ["Missing required: 决策链"]
    assert one(healthy(**{"决策链": "CFO → CEO"}), pipeline=pipe)["reasons"] == []


@pytest.mark.parametrize("late, light", [(0, "green"), (1, "red"), (15, "red")])
def test_overdue_collection_on_an_open_row(late, light):
    pay = [dict(project_id="P-0001", installment="首付款", planned_date=ago(late), planned_amount=300_000)]
    r = one(healthy(), payments=pay)
    assert r["light"] == light
    if late:
        assert r["reasons"] == [f"回款逾期 {late} 天"]
        en = "day" if late == 1 else "days"
        assert one(healthy(), payments=pay, lang="en")["reasons"] == [f"Collection overdue by {late} {en}"]


@pytest.mark.parametrize("stage", ["won", "lost", "hold"])
def test_closed_rows_are_green_and_never_stalled(stage):
    row = healthy(stage=stage, negotiation_started=None, created=ago(400), next_step=None,
                  next_step_due=ago(90), expected_close=ago(100), lost_reason=None, amount=None)
    r = one(row, activities=[])
    assert r["light"] == "green" and r["reasons"] == []


@pytest.mark.parametrize("stage", ["won", "hold"])
def test_an_overdue_collection_turns_a_closed_row_red_without_stall_reasons(stage):
    """Collections are not a stall: a won deal is exactly where an installment falls late."""
    pay = [dict(project_id="P-0001", planned_date=ago(15), planned_amount=300_000)]
    row = healthy(stage=stage, contract_signed=ago(40), created=ago(400), next_step_due=ago(90))
    r = one(row, payments=pay)
    assert r["light"] == "red"
    assert r["reasons"] == ["回款逾期 15 天"] and r["reason_codes"] == ["payment_overdue"]
    collected = [dict(project_id="P-0001", planned_date=ago(15), planned_amount=300_000,
                      actual_date=ago(14), actual_amount=300_000)]
    assert one(row, payments=collected)["light"] == "green"


@pytest.mark.parametrize("created, light, text", [
    (6, "green", None),
    (7, "yellow", "创建已 7 天仍无跟进记录（黄线 7 天）"),
    (14, "red", "创建已 14 天仍无跟进记录（红线 14 天）"),
])
def test_project_with_no_activities_counts_from_created(created, light, text):
    row = dict(id="P-0001", customer="A", owner="张三", stage="lead", created=ago(created),
               expected_close=ago(-60), next_step="call")
    r = one(row, activities=[])
    assert r["follow_ups"] == 0 and r["idle_days"] != r["idle_days"]  # NaN: never followed up
    got = [x for x in r["reasons"] if "跟进" in x]
    assert got == ([text] if text else [])
    assert r["light"] == light or (light == "green" and r["light"] == "yellow" and "已停留" in r["reason_text"])


def test_no_activities_and_no_created_date_counts_as_red():
    """Age unknown is at least as bad as the idle threshold: red where the stage has a red line
    (a dated twin created long ago is red too), so an undated project cannot stay safe forever."""
    row = dict(id="P-0001", customer="A", owner="张三", stage="lead", expected_close=ago(-60), next_step="x")
    r = one(row, activities=[])
    assert r["reasons"] == ["创建日期未知且无跟进记录"] and r["light"] == "red"
    assert r["days_in_stage"] != r["days_in_stage"]  # unknown, never invented
    assert one(row, activities=[], lang="en")["reasons"] == ["Age unknown: no created date, no follow-up"]
    dated = one(dict(row, created=ago(400)), activities=[])
    assert dated["light"] == "red"


def test_unknown_stage_is_yellow_and_still_gets_stage_free_rules():
    row = healthy(stage=None, next_step_due=ago(2))
    r = one(row)
    assert r["light"] == "red"
    assert r["reasons"] == ["下一步已逾期 2 天", "阶段未知"]
    assert r["weighted_amount"] != r["weighted_amount"]
    assert one(row, lang="en")["reasons"] == ["Next step overdue by 2 days", "Stage unknown"]


def test_reasons_are_worst_first_and_joined_in_the_language():
    row = healthy(next_step_due=ago(3), expected_close=ago(1), negotiation_started=ago(30))
    r = one(row, [dict(project_id="P-0001", date=ago(12))])
    assert r["light"] == "red"
    assert r["reasons"] == ["下一步已逾期 3 天", "12 天未跟进（红线 10 天）",
                            "本阶段已停留 30 天（黄线 21 天）", "预计成交日期已过 1 天"]
    assert r["reason_text"] == "；".join(r["reasons"])
    assert r["reason_codes"] == ["next_step_overdue", "idle", "stage_days", "close_past"]
    en = one(row, [dict(project_id="P-0001", date=ago(12))], lang="en")
    assert en["reason_text"].split("; ")[0] == "Next step overdue by 3 days"


def test_last_follow_up_is_the_latest_of_activities_and_the_own_cell():
    acts = [dict(project_id="P-0001", date=ago(20)), dict(project_id="P-0001", date=ago(12)),
            dict(project_id="P-0001", date=ago(-3))]  # a future entry is a plan, not a follow-up
    r = one(healthy(), acts)
    assert r["idle_days"] == 12 and r["follow_ups"] == 2
    r = one(healthy(last_follow_up=ago(2)), acts)
    assert r["idle_days"] == 2 and r["light"] == "green"
    r = one(healthy(last_follow_up=ago(30)), acts)
    assert r["idle_days"] == 12


def test_weighted_amount_uses_the_row_override_else_the_stage_default():
    assert one(healthy())["weighted_amount"] == pytest.approx(750_000)
    r = one(healthy(probability=0.6))
    assert r["probability_used"] == 0.6 and r["weighted_amount"] == pytest.approx(600_000)
    assert one(healthy(amount=None))["weighted_amount"] != one(healthy(amount=None))["weighted_amount"]


def test_entered_stage_milestone_else_created():
    r = one(healthy(negotiation_started=None, proposal_submitted=ago(8)))
    assert r["days_in_stage"] == 8  # second entry milestone of negotiation
    r = one(healthy(negotiation_started=None, created=ago(9)))
    assert r["days_in_stage"] == 9 and r["entered_stage"].date() == AS_OF - dt.timedelta(days=9)


def test_bad_rows_never_stop_the_computation():
    rows = [dict(id=None, stage=None), dict(id="P-0002"), healthy(id="P-0003", amount=None, created=None),
            healthy(id="P-0003")]  # duplicate ID kept
    t = make_tables(rows, [dict(project_id=None, date=None), dict(project_id="P-9999", date=ago(1))],
                    [dict(project_id=None), dict(project_id="P-0003", planned_amount=None, planned_date=None)])
    res = compute(t, AS_OF)
    assert len(res.projects) == 4 and list(res.projects.index) == list(t.projects.index)
    assert set(res.projects["light"]) <= {"red", "yellow", "green"}
    assert res.kpis["totals"]["projects"] == 4


def test_docs_list_every_reason_text_and_code():
    from pathlib import Path

    from xltrack.compute.rules import CODE_ORDER, TEXTS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for zh, en in TEXTS.values():
        assert f"`{zh}`" in doc and f"`{en}`" in doc
    for code in CODE_ORDER:
        assert f"`{code}`" in doc


def test_unknown_stage_has_no_days_in_stage():
    r = one(healthy(stage=None, created=ago(50)))
    assert r["days_in_stage"] != r["days_in_stage"] and r["entered_from"] is None
