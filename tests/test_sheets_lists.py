"""漏斗, 负责人, 本周变化, 回款, 数据问题, 历史: values against the hand-made case; links; bounds."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.support.sheet_grid import column_a, find_row, value
from tests.support.sheets_case import PAYMENTS, kpis, make_case
from xltrack.issues import make_issue
from xltrack.sheets import by_owner, changes, collections, funnel, history_sheet, issues_sheet
from xltrack.sheets.context import make_ctx


def _ctx(lang="zh", **kw):
    t, r = make_case(lang, **kw)
    return make_ctx(t, r)


def test_funnel_one_row_per_stage_with_kpi_figures():
    sw = funnel.build(_ctx())
    body = sw.rows[funnel.HEADER_ROW:funnel.HEADER_ROW + 7]
    assert [r[0].value for r in body] == ["线索获取", "需求挖掘", "方案制定", "商务洽谈", "成交交付", "输单", "搁置"]
    by = {r["stage"]: r for r in kpis()["by_stage"]}
    neg = body[3]
    assert [c.value for c in neg[2:8]] == [1, 800_000, 600_000, 30.0, 20.0, 0.5]
    assert neg[8].value == by["negotiation"]["red"] and neg[8].style.fill == "FFC7CE"
    assert body[6][2].value is None                     # hold: not in the KPIs → empty, not 0
    assert body[2][7].value is None                     # undefined conversion stays empty


def test_leaderboard_order_and_unidentified_owner_row():
    k = kpis()
    k["by_owner"].insert(0, {"owner": None, "open_count": 1, "open_amount": 10.0, "points": 9,
                             "unidentified": True, "names": ["罗洁"]})
    k["by_owner"][1]["moves_back"] = 2
    sw = by_owner.build(_ctx(kpi=k))
    body = sw.rows[by_owner.HEADER_ROW:]
    # 王五 5 points; 张三 and 李四 tie on 3 points and on won amount → larger open amount first;
    # names not on the owner list are one row, last and unranked, linked to the Issues sheet
    assert [r[1].value for r in body[:4]] == ["王五", "张三", "李四", "未识别负责人"]
    assert [r[0].value for r in body[:4]] == [1, 2, 3, None]
    assert body[3][1].link == "#'数据问题'!A1"
    assert body[4][0].value == "“未识别负责人”：负责人为空或不在设置表的负责人名单中（罗洁），见数据问题表"
    zhang = [c.value for c in body[1]]
    assert zhang[2:11] == [3, 1, 2, 2, 850_000, 605_000, 0, 0, 0]
    assert zhang[13] == 2 and body[1][13].style.fill == "FFC7CE"
    labels = [c.value for c in sw.rows[by_owner.HEADER_ROW - 1]]
    assert labels[2:5] == ["本期积分", "本期推进", "本期回退"]


def test_fifty_owners_all_listed():
    k = kpis()
    k["by_owner"] = [{"owner": f"销售{i:02d}", "points": float(i % 7), "won_amount": float(i)} for i in range(50)]
    sw = by_owner.build(_ctx(kpi=k))
    body = sw.rows[by_owner.HEADER_ROW:]
    assert len(body) == 50
    pts = [r[2].value for r in body]
    assert pts == sorted(pts, reverse=True)


def test_changes_counts_and_rows():
    sw = changes.build(_ctx())
    assert [c.value for c in sw.rows[3]] == ["新增", "推进", "回退", "赢单", "输单", "成交日期推迟", "金额变化", "新亮红灯"]
    assert [c.value for c in sw.rows[4]] == [1, 1, 0, 0, 0, 0, 0, 0]
    body = sw.rows[7:]
    assert [r[1].value for r in body] == ["P-0005", "P-0002"]        # new before advanced
    adv = body[1]
    assert [adv[5].value, adv[6].value] == ["需求挖掘", "方案制定"]      # stage keys shown as names
    assert adv[1].link == "#'项目跟踪'!A3"
    assert sw.rows[5][0].value.startswith("还没有至少 7 天前的快照")


def test_changes_baseline_and_light_words():
    t, r = make_case()
    r.kpis["changes"]["baseline"] = "2026-11-20"
    r.changes = pd.DataFrame({"id": ["P-0001"], "customer": ["华东电力"], "project": ["配网改造"], "owner": ["张三"],
                              "change": ["newly_red"], "change_text": ["新变红"], "from_value": ["yellow"],
                              "to_value": ["red"]})
    sw = changes.build(make_ctx(t, r))
    assert sw.rows[5][0].value == "对比基准：2026-11-20 的快照（至少 7 天前的最近一次）"
    assert [c.value for c in sw.rows[7][5:7]] == ["黄", "红"]


def test_changes_bounded():
    t, r = make_case()
    n = changes.MAX_ROWS + 25
    r.changes = pd.DataFrame({"id": [f"P-{i}" for i in range(n)], "customer": "c", "project": "p", "owner": "o",
                              "change": "amount_changed", "change_text": "x", "from_value": 1.0, "to_value": 2.0})
    sw = changes.build(make_ctx(t, r))
    assert sw.rows[4][6].value == n                                     # the count covers all
    assert column_a(sw)[-1] == "另有 25 条变化未列出（上方计数包含全部）"
    assert len(sw.rows) == 7 + changes.MAX_ROWS + 1


def test_collections_lists_and_owner_table():
    ctx = _ctx()
    sw = collections.build(ctx)
    assert [c.value for c in sw.rows[4]] == [300_000, 0, 500_000, 200_000, 200_000]
    due = find_row(sw, "本月到期（未回款）")
    rows = [[c.value for c in sw.rows[i]] for i in range(due + 1, due + 3)]
    # due this month and not collected: 第2期 (2026-11-05, overdue) and 尾款 (2026-11-30)
    assert [r[3] for r in rows] == ["第2期", "尾款"]
    assert rows[0][4] == dt.date(2026, 11, 5) and rows[0][6] == 200_000
    assert sw.rows[due + 1][0].link == "#'回款计划'!A3"
    od = find_row(sw, "已逾期（逾期天数多的在前）")
    assert value(sw, f"D{od + 2}") == "第2期" and value(sw, f"I{od + 2}") == 22
    own = find_row(sw, "按负责人")
    table = {sw.rows[i][0].value: [c.value for c in sw.rows[i][1:]] for i in range(own + 1, len(sw.rows))}
    # by hand from PAYMENTS: 王五 (P-0004) planned in Nov 300k, collected in Nov 0, outstanding 300k,
    # overdue 200k in 1 installment; 张三 (P-0001) planned in January only
    assert table["王五"] == [300_000, 0, 300_000, 200_000, 1]
    assert table["张三"] == [0, 0, 240_000, 0, 0]
    assert list(table) == ["王五", "张三"]
    assert sum(p[3] for p in PAYMENTS if p[2].month == 11 and p[2].year == 2026) == 300_000


def test_overdue_list_bounded():
    pays = [("P-0004", f"{i}期", pd.Timestamp("2026-01-01"), 10.0, pd.NaT, float("nan"), "overdue",
             float(i), 10.0) for i in range(collections.MAX_ROWS + 3)]
    sw = collections.build(_ctx(payments=pays))
    assert "另有 3 笔未列出，见回款计划表筛选" in column_a(sw)
    od = find_row(sw, "已逾期（逾期天数多的在前）")
    assert value(sw, f"I{od + 2}") == collections.MAX_ROWS + 2    # longest overdue first


def test_issues_sheet_links_every_issue_to_its_cell():
    sw = issues_sheet.build(_ctx())
    body = sw.rows[5:]
    assert [r[0].value for r in body] == ["错误", "警告"]                 # errors first
    assert [r[2].link for r in body] == ["#'项目跟踪'!K3", "#'项目跟踪'!F9"]
    assert [r[3].value for r in body] == ["预计成交日期", "负责人"]
    assert body[0][5].value == "无法识别的日期：下周" and body[0][6].value == "bad-date"


def test_issues_sheet_bounded_and_quotes_sheet_names():
    many = [make_issue("bad-date", "en", sheet="It's data", cell=f"B{i}", field="date", value="x", row=i)
            for i in range(issues_sheet.MAX_ROWS + 5)]
    sw = issues_sheet.build(_ctx("en", issues=many))
    assert sw.rows[5][2].link == "#'It''s data'!B0"
    assert column_a(sw)[-1].startswith("5 more not shown")
    assert len(sw.rows) == 5 + issues_sheet.MAX_ROWS + 1


def test_history_is_verbatim():
    ctx = _ctx()
    sw = history_sheet.build(ctx)
    assert [[c.value if c else None for c in row] for row in sw.rows] == ctx.results.history_rows
    assert sw.rows[0][0].style is None and sw.rows[2][3] is None
