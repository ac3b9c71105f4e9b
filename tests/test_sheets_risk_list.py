"""风险清单: every red and yellow project, worst first, linked to its row; bounded."""
from __future__ import annotations

import pandas as pd

from tests.support.sheet_grid import column_a, find_row
from tests.support.sheets_case import PROJECTS, make_case
from xltrack.sheets import risk_list
from xltrack.sheets.context import make_ctx


def _sheet(lang="zh", **kw):
    t, r = make_case(lang, **kw)
    return risk_list.build(make_ctx(t, r)), t, r


def test_lists_red_then_yellow_with_their_details_and_links():
    sw, tables, _ = _sheet()
    assert sw.key == "risk_list" and sw.name == "风险清单"
    hdr = risk_list.HEADER_ROW
    assert [c.value for c in sw.rows[hdr - 1]][:3] == ["状态灯", "项目编号", "客户名称"]
    body = sw.rows[hdr:]
    # hand-made case: reds P-0001 (800k) and P-0003 (50k), yellow P-0002; greens never listed
    assert [r[1].value for r in body] == ["P-0001", "P-0003", "P-0002"]
    assert [r[0].value for r in body] == ["红", "红", "黄"]
    first = [c.value for c in body[0]]
    assert first[2:8] == ["华东电力", "配网改造", "张三", "商务洽谈", 800_000.0,
                          "12 天未跟进（红线 10 天）；下一步已逾期 3 天"]
    assert first[8] == "报价确认" and str(first[9]) == "2026-11-24" and first[10] == 12.0
    # links: the project's row on the Projects sheet (row = 2 + its index in the hand case)
    for r in body:
        i = [p[0] for p in PROJECTS].index(r[1].value)
        assert r[1].link == f"#'项目跟踪'!A{2 + i}"
    # text that looks like a formula stays the same text value (the backend writes it as text)
    assert body[1][2].value == "=cmd|'/c calc'!A1"
    # the light cells use the layout colours
    assert body[0][0].style.fill == "FFC7CE" and body[2][0].style.fill == "FFEB9C"
    assert "红灯 2 个" in sw.rows[3][0].value and "黄灯 1 个" in sw.rows[3][0].value
    assert "2026-11-27" in sw.rows[1][0].value and "请勿手工编辑" in sw.rows[1][0].value


def test_english_labels():
    sw, _, _ = _sheet("en")
    assert sw.name == "Risk list"
    assert sw.rows[risk_list.HEADER_ROW - 1][0].value == "Light"
    assert sw.rows[risk_list.HEADER_ROW][0].value == "Red"
    assert sw.rows[risk_list.HEADER_ROW][1].link == "#'Projects'!A2"
    assert "do not edit" in sw.rows[1][0].value


def _many(n_red: int, n_yellow: int = 0):
    base = PROJECTS[0]
    out = []
    for i in range(n_red + n_yellow):
        light = "red" if i < n_red else "yellow"
        out.append((f"P-{i + 1:05d}", f"客户{i}", "项目", f"销售{i % 50}", "proposal", float(i % 997) * 1000,
                    light, ["理由"], float(i % 30), 5.0, None, pd.NaT))
    return out


def test_ten_thousand_reds_are_capped_with_a_visible_line():
    projects = _many(10_000, 7)
    sw, _, _ = _sheet(projects=projects, payments=[], issues=[])
    listed = [r for r in sw.rows[risk_list.HEADER_ROW:] if len(r) > 2]
    assert len(listed) == risk_list.MAX_ROWS == 500
    assert all(r[0].value == "红" for r in listed)           # only reds make it under the cap
    amounts = [r[6].value for r in listed]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] == 996_000.0
    assert column_a(sw)[-1] == "另有 9507 个项目未列出，见项目跟踪表筛选（状态灯列）"
    assert len(sw.rows) == risk_list.HEADER_ROW + 500 + 1
    # summary counts cover all of them, not only the listed ones
    assert "红灯 10000 个" in sw.rows[3][0].value and "黄灯 7 个" in sw.rows[3][0].value


def test_ties_are_broken_by_idle_days_then_id():
    projects = [(f"P-{i}", "c", "p", "o", "lead", 100.0, "red", ["r"], float(idle), 1.0, None, pd.NaT)
                for i, idle in [(3, 5), (1, 5), (2, 9)]]
    sw, _, _ = _sheet(projects=projects, payments=[], issues=[])
    assert [r[1].value for r in sw.rows[risk_list.HEADER_ROW:]] == ["P-2", "P-1", "P-3"]


def test_no_risks_says_so():
    projects = [p[:6] + ("green", []) + p[8:] for p in PROJECTS]
    sw, _, _ = _sheet(projects=projects)
    assert find_row(sw, "没有红灯或黄灯项目。") == risk_list.HEADER_ROW + 1
