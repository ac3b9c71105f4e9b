"""The digest as data: tiles, red list, changes, collections due this week, issues; per-owner filtering."""
from __future__ import annotations

import datetime as dt

from tests.support.nightly import AS_OF, sample
from xltrack.nightly.digest import build_digest, week_end


def test_team_digest_counts_what_the_red_list_shows():
    tables, results = sample()
    d = build_digest(tables, results)
    assert d.team == "销售一部" and d.owner is None and d.as_of == AS_OF
    # open: P-0001..P-0003 (P-0004 is won)
    assert (d.open_count, d.open_amount, d.weighted_amount) == (3, 2_350_000, 1_020_000)
    assert (d.red_count, d.yellow_count) == (2, 1)
    # biggest amount at risk first
    assert [r.id for r in d.red] == ["P-0001", "P-0002"]
    first = d.red[0]
    assert (first.customer, first.project, first.owner, first.stage) == ("华东电力", "智能巡检平台", "张三", "商务洽谈")
    assert first.reasons == ["12 天未跟进（红线 10 天）", "下一步已逾期 3 天"]
    assert d.change_counts == {"won": 1, "advanced": 1} and d.won_this_week == 1
    assert (d.issue_errors, d.issue_warnings) == (2, 1)


def test_collections_due_this_week_include_overdue_and_skip_later_ones():
    tables, results = sample()
    d = build_digest(tables, results)
    assert week_end(AS_OF) == dt.date(2026, 11, 29)
    got = [(c.project_id, c.installment, c.planned_date, c.outstanding, c.status) for c in d.collections]
    assert got == [("P-0004", "首付款", dt.date(2026, 11, 10), 200_000, "overdue"),
                   ("P-0001", "预付款", dt.date(2026, 11, 29), 100_000, "due")]
    assert d.overdue_amount == 200_000 and d.collections_due == 300_000


def test_per_owner_digest_holds_only_their_projects():
    tables, results = sample()
    d = build_digest(tables, results, owner="张三")
    assert [r.id for r in d.red] == ["P-0001"]
    assert (d.open_count, d.red_count, d.yellow_count) == (2, 1, 1)
    assert [c.id for c in d.changes] == ["P-0001"]
    assert [c.project_id for c in d.collections] == ["P-0001"]
    alice = build_digest(tables, results, owner="Alice")
    assert [r.id for r in alice.red] == ["P-0002"] and alice.collections == []


def test_owner_issue_counts_come_from_their_rows():
    from xltrack.issues import make_issue

    tables, results = sample()
    tables.issues = [make_issue("bad-date", "zh", sheet="项目跟踪", cell="K2", field="created", value="x", row=2),
                     make_issue("bad-date", "zh", sheet="项目跟踪", cell="K3", field="created", value="y", row=3)]
    assert (build_digest(tables, results, owner="张三").issue_errors,
            build_digest(tables, results, owner="Alice").issue_errors) == (1, 1)
    results.kpis = {}
    assert build_digest(tables, results).issue_errors == 2


def test_missing_columns_and_empty_frames_do_not_break_the_digest():
    import pandas as pd

    tables, results = sample()
    results.changes = pd.DataFrame()
    results.payments = results.payments.iloc[0:0]
    results.projects = results.projects.drop(columns=["weighted_amount"])
    d = build_digest(tables, results, team="T")
    assert d.team == "T" and d.changes == [] and d.weighted_amount == 0 and d.red_count == 2
