"""History: successive refreshes record transitions and compact states; dwell and changes follow."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.support.tables_factory import make_tables
from xltrack.compute import history
from xltrack.compute.api import compute
from xltrack.pipeline import default_pipeline

D1, D2, D3 = dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 23)


def p(id, stage, created, **kw):
    row = dict(id=id, customer="客户" + id, owner="张三", stage=stage, created=created, amount=100.0,
               expected_close="2026-12-31", next_step="x", next_step_due="2026-12-30")
    row.update(kw)
    return row


def run(projects, as_of, rows, lang="zh"):
    acts = [dict(project_id=r["id"], date=(as_of - dt.timedelta(days=1)).isoformat()) for r in projects]
    return compute(make_tables(projects, acts, lang=lang, history_rows=rows), as_of)


def day1():
    return [p("P-0001", "lead", "2026-10-20"), p("P-0002", "discovery", "2026-10-01"),
            p("P-0003", "proposal", "2026-10-10")]


def day2():
    return [p("P-0001", "discovery", "2026-10-20"), p("P-0002", "proposal", "2026-10-01"),
            p("P-0003", "won", "2026-10-10", closed="2026-11-06"), p("P-0004", "lead", "2026-11-05")]


def day3():
    return [p("P-0001", "proposal", "2026-10-20", expected_close="2027-01-31"),
            p("P-0002", "discovery", "2026-10-01"),
            p("P-0003", "won", "2026-10-10", closed="2026-11-06"),
            p("P-0004", "lead", "2026-11-05", amount=250.0)]


def records(rows):
    return history.parse(rows, default_pipeline())


def test_first_refresh_writes_one_state_per_project_and_no_transition():
    r = run(day1(), D1, [])
    rec = records(r.history_rows)
    assert r.history_rows[0] == history.HEADER["zh"]
    assert rec["record"].value_counts().to_dict() == {"meta": 2, "state": 3, "refresh": 1}
    assert r.transitions.empty and r.kpis["changes"]["baseline"] is None
    assert history.id_high_water(r.history_rows) == 3


def test_three_refreshes_give_transitions_dwell_and_changes():
    r1 = run(day1(), D1, [])
    r2 = run(day2(), D2, r1.history_rows)
    tr = r2.transitions.sort_values("id")
    assert tr[["id", "from_stage", "to_stage"]].values.tolist() == [
        ["P-0001", "lead", "discovery"], ["P-0002", "discovery", "proposal"], ["P-0003", "proposal", "won"]]
    # the won date is its `closed` milestone; the others are dated on the refresh that saw them
    assert [d.date() for d in tr["date"]] == [D2, D2, dt.date(2026, 11, 6)]
    by_id = r2.projects.set_index("id")
    assert by_id.loc["P-0001", "days_in_stage"] == 0 and by_id.loc["P-0004", "days_in_stage"] == 4
    ch = {(c, i) for c, i in zip(r2.changes["change"], r2.changes["id"])}
    assert ch == {("advanced", "P-0001"), ("advanced", "P-0002"), ("won", "P-0003"), ("new", "P-0004")}
    assert r2.kpis["changes"]["baseline"] == "2026-11-02"

    # refreshing twice on the same day adds nothing
    again = run(day2(), D2, r2.history_rows)
    assert again.history_rows == r2.history_rows

    r3 = run(day3(), D3, r2.history_rows)
    new = r3.transitions.loc[r3.transitions["date"] == pd.Timestamp(D3)].sort_values("id")
    assert new[["id", "from_stage", "to_stage"]].values.tolist() == [
        ["P-0001", "discovery", "proposal"], ["P-0002", "proposal", "discovery"]]
    assert len(r3.transitions) == 5
    by_id = r3.projects.set_index("id")
    assert by_id.loc["P-0001", "days_in_stage"] == 0
    assert by_id.loc["P-0002", "entered_stage"].date() == D3
    # baseline: the latest refresh at least 7 days before D3 is D2
    assert r3.kpis["changes"]["baseline"] == "2026-11-09"
    ch = {(c, i) for c, i in zip(r3.changes["change"], r3.changes["id"])}
    assert ch == {("advanced", "P-0001"), ("moved_back", "P-0002"), ("slipped", "P-0001"),
                  ("amount_changed", "P-0004")}
    assert r3.kpis["changes"]["amount_delta"] == 150.0
    slipped = r3.changes.loc[r3.changes["change"] == "slipped"].iloc[0]
    assert (slipped["from_value"], slipped["to_value"]) == ("2026-12-31", "2027-01-31")
    # dwell of completed stays: lead P-0001 10-20→11-09 = 20; discovery P-0001 11-09→11-23 = 14,
    # P-0002 10-01→11-09 = 39; proposal P-0002 11-09→11-23 = 14, P-0003 10-10→11-06 = 27
    dwell = {s["stage"]: s["avg_dwell_days"] for s in r3.kpis["by_stage"]}
    assert dwell["lead"] == 20 and dwell["discovery"] == (14 + 39) / 2 and dwell["proposal"] == (14 + 27) / 2
    # only changed states were appended: P-0001, P-0002, P-0004 (amount) on D3
    rec = records(r3.history_rows)
    d3_states = rec.loc[(rec["record"] == "state") & (rec["date"] == pd.Timestamp(D3)), "id"]
    assert sorted(d3_states) == ["P-0001", "P-0002", "P-0004"]


def test_same_day_stage_change_records_one_transition_and_replaces_the_state():
    r1 = run(day1(), D1, [])
    moved = [p("P-0001", "discovery", "2026-10-20"), *day1()[1:]]
    r2 = run(moved, D1, r1.history_rows)
    rec = records(r2.history_rows)
    assert (rec["record"] == "transition").sum() == 1
    assert (rec["record"] == "state").sum() == 3 and (rec["record"] == "refresh").sum() == 1
    assert run(moved, D1, r2.history_rows).history_rows == r2.history_rows


def test_removed_projects_and_high_water_survive():
    r1 = run(day1() + [p("P-0042", "lead", "2026-10-01")], D1, [])
    r2 = run(day1(), D2, r1.history_rows)
    rec = records(r2.history_rows)
    assert rec.loc[rec["record"] == "removed", "id"].tolist() == ["P-0042"]
    assert history.id_high_water(r2.history_rows) == 42


def test_rows_written_in_english_read_back_and_excel_serial_dates():
    r1 = run(day1(), D1, [], lang="en")
    assert r1.history_rows[0] == history.HEADER["en"]
    rows = [list(r) for r in r1.history_rows]
    for r in rows[1:]:  # a reader that saw unformatted date cells: Excel serial numbers
        if isinstance(r[1], dt.date):
            r[1] = float((r[1] - dt.date(1899, 12, 30)).days)
    rec = records(rows)
    assert rec.loc[rec["record"] == "state", "stage"].tolist() == ["lead", "discovery", "proposal"]
    assert set(rec.loc[rec["record"] == "state", "date"]) == {pd.Timestamp(D1)}
    r2 = run(day2(), D2, rows, lang="zh")  # and a zh refresh continues an en History
    assert len(r2.transitions) == 3


def test_garbage_rows_are_ignored_not_fatal():
    rows = [["whatever"], [], ["状态", "not a date", "P-1", "no such stage"], [None] * 12]
    r = run(day1(), D1, rows)
    assert r.transitions.empty and r.history_rows[0] == history.HEADER["zh"]


def test_old_rows_are_thinned_but_each_project_keeps_a_baseline():
    old = dt.date(2023, 1, 2)
    r0 = run(day1(), old, [])
    r1 = run(day2(), old + dt.timedelta(days=7), r0.history_rows)
    r2 = run(day2(), D2, r1.history_rows)
    rec = records(r2.history_rows)
    cut = pd.Timestamp(D2) - pd.Timedelta(days=history.RETAIN_DAYS)
    olds = rec.loc[rec["date"] < cut]
    assert set(olds["record"]) == {"state"} and olds["id"].is_unique
    assert (rec["record"] == "transition").sum() == 0  # the old transitions are gone
    assert history.last_states(rec, pd.Timestamp(D2)).loc["P-0001", "stage"] == "discovery"


def test_results_transitions_hold_history_and_milestones_once():
    r1 = run(day1(), D1, [])
    rows = [p("P-0001", "discovery", "2026-10-20", intent_confirmed="2026-11-05"), *day1()[1:]]
    r2 = run(rows, D2, r1.history_rows)
    t = r2.transitions
    # History dated the move by its milestone: one row, from History (it knows the from stage)
    assert t.loc[t["id"] == "P-0001", ["from_stage", "to_stage", "source"]].values.tolist() == [
        ["lead", "discovery", "history"]]
    assert t.loc[t["id"] == "P-0001", "date"].iloc[0].date() == dt.date(2026, 11, 5)
    r3 = run([p("P-0009", "proposal", "2026-10-01", requirements_clarified="2026-10-15")], D1, [])
    assert r3.transitions[["id", "from_stage", "to_stage", "source"]].values.tolist() == [
        ["P-0009", None, "proposal", "milestone"]]


# -- laws, checked on random tables --------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_day = st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 3, 1)).map(dt.date.isoformat))
_row = st.fixed_dictionaries({
    "id": st.one_of(st.none(), st.sampled_from([f"P-{i:04d}" for i in range(1, 9)])),
    "stage": st.one_of(st.none(), st.sampled_from([s.key for s in default_pipeline().stages])),
    "owner": st.one_of(st.none(), st.sampled_from(["张三", "李四"])),
    "amount": st.one_of(st.none(), st.floats(0, 1e7)),
    "created": _day, "expected_close": _day, "next_step_due": _day, "closed": _day,
    "negotiation_started": _day, "next_step": st.one_of(st.none(), st.just("x")),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_row, max_size=8), st.lists(_row, max_size=8))
def test_laws_on_random_tables(rows, later_rows):
    r1 = compute(make_tables(rows, [], history_rows=[]), D1)
    assert len(r1.projects) == len(rows)
    assert set(r1.projects["light"]) <= {"red", "yellow", "green"}
    # refreshing again the same day with the same data adds nothing
    assert compute(make_tables(rows, [], history_rows=r1.history_rows), D1).history_rows == r1.history_rows
    # a later refresh keeps every transition History had, and is itself idempotent
    r2 = compute(make_tables(later_rows, [], history_rows=r1.history_rows), D2)
    assert compute(make_tables(later_rows, [], history_rows=r2.history_rows), D2).history_rows == r2.history_rows
    before = records(r1.history_rows)
    after = records(r2.history_rows)
    assert (after["record"] == "transition").sum() >= (before["record"] == "transition").sum()
    assert history.id_high_water(r2.history_rows) >= history.id_high_water(r1.history_rows)


def test_a_project_with_unknown_stage_is_not_new_every_week():
    rows = [*day1(), p("P-0007", None, "2026-10-01")]
    r1 = run(rows, D1, [])
    r2 = run(rows, D2, r1.history_rows)
    assert "new" not in set(r2.changes["change"])
    fixed = [*day1(), p("P-0007", "proposal", "2026-10-01")]
    r3 = run(fixed, D3, r2.history_rows)
    assert r3.transitions.empty  # from "unknown" is not a stage transition
    assert not {"new", "advanced", "moved_back"} & set(r3.changes["change"])
