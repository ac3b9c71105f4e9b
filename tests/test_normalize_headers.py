"""Finding and mapping header rows: languages, aliases, order, title rows, extras, failures."""
from __future__ import annotations

import pytest

from xltrack.errors import WorkbookUnreadable
from xltrack.normalize.headers import find_header
from xltrack.pipeline import layout

PROJECTS = layout().sheet("projects")
ACTIVITIES = layout().sheet("activities")


def test_zh_labels_below_title_rows():
    grid = [["销售项目跟踪表"], [None, "更新于 2026-11-27"],
            ["项目编号", "客户名称", "负责人", "当前阶段", "区域"]]
    hm = find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh")
    assert hm.row == 3
    assert hm.columns == {"id": 1, "customer": 2, "owner": 3, "stage": 4}
    assert hm.extras == {"区域": 5}


def test_en_labels_aliases_any_order_case_spaces_fullwidth():
    grid = [[" STAGE ", "Ｃｕｓｔｏｍｅｒ", "sales  rep", "Expected Close Date", "deal size",
             "Win probability", "项目 编号", "My notes", None, "状态灯 (自动)", "加权金额"]]
    hm = find_header(grid, PROJECTS, sheet_name="Projects", lang="en")
    assert hm.columns == {"stage": 1, "customer": 2, "owner": 3, "expected_close": 4, "amount": 5,
                          "probability": 6, "id": 7, "light": 10, "weighted_amount": 11}
    assert hm.extras == {"My notes": 8}


def test_bracketed_note_and_required_mark_are_ignored():
    grid = [["客户名称*", "负责人：", "当前阶段（必填）", "预计金额（元）"]]
    hm = find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh")
    assert hm.columns == {"customer": 1, "owner": 2, "stage": 3, "amount": 4}


def test_second_column_with_same_meaning_is_kept_as_extra():
    grid = [["客户名称", "负责人", "当前阶段", "客户", "客户"]]
    hm = find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh")
    assert hm.columns["customer"] == 1
    assert hm.extras == {"客户": 4, "客户 (2)": 5}


def test_missing_required_column_names_it_and_lists_what_was_found():
    grid = [["项目编号", "客户名称", "预计金额", "备注"]]
    with pytest.raises(WorkbookUnreadable) as e:
        find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh")
    assert str(e.value) == ("“项目跟踪”表缺少必需的列：负责人、当前阶段"
                            "（第 1 行的表头为：项目编号、客户名称、预计金额、备注）。")


def test_missing_required_column_en():
    grid = [["Project ID", "Type", "Summary"]]
    with pytest.raises(WorkbookUnreadable) as e:
        find_header(grid, ACTIVITIES, sheet_name="Activities", lang="en")
    assert str(e.value) == ("Sheet “Activities” lacks the required column(s) Date "
                            "(the header in row 1 has: Project ID, Type, Summary).")


def test_no_recognisable_header():
    grid = [["a", "b", "c"], [1, 2, 3]] + [[None]] * 12 + [["客户名称", "负责人", "当前阶段"]]
    with pytest.raises(WorkbookUnreadable) as e:
        find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh")
    assert str(e.value) == "“项目跟踪”表的前 10 行中找不到表头（应包含 客户名称、负责人、当前阶段 等列标题）。"


def test_no_header_on_empty_sheet_en():
    with pytest.raises(WorkbookUnreadable, match=r"^Sheet “Projects” has no recognisable header row"):
        find_header([], PROJECTS, sheet_name="Projects", lang="en")


def test_unit_note_on_an_amount_header_is_the_columns_unit():
    grid = [["客户名称", "负责人", "当前阶段", "预计金额（万元）", "Amount (k)", "备注（元）"]]
    hm = find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh")
    assert hm.columns["amount"] == 4 and hm.units == {"amount": 10000.0}
    grid = [["Customer", "Owner", "Stage", "Amount (k)"]]
    assert find_header(grid, PROJECTS, sheet_name="Projects", lang="en").units == {"amount": 1000.0}
    grid = [["客户名称", "负责人", "当前阶段", "预计金额（元）"]]
    assert find_header(grid, PROJECTS, sheet_name="项目跟踪", lang="zh").units == {}
