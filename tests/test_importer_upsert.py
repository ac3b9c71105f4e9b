"""Planning the upsert: matching by ID / natural key / activity and payment keys, what is written."""
from __future__ import annotations

import datetime as dt

from xltrack.importer.mapping import Mapping, match_header
from xltrack.importer.upsert import plan_upsert
from xltrack.normalize.api import tables_from_grids
from xltrack.pipeline import default_pipeline
from xltrack.pipeline.config_sheet import config_grid
from xltrack.pipeline.models import Owner

AS_OF = dt.date(2026, 3, 16)
HEAD = ["项目编号", "客户名称", "联系人", "项目名称", "需求描述", "负责人", "当前阶段", "预计金额", "赢率", "创建日期", "预计成交日期"]


def book(rows, acts=None):
    pipe = default_pipeline()
    pipe.owners = [Owner(name="张伟", aliases=["Kevin"])]
    grids = {"项目跟踪": [HEAD, *rows], "沟通记录": acts or [["项目编号", "跟进日期", "跟进方式", "负责人", "沟通内容", "下一步"]],
             "设置": config_grid(pipe, "zh")}
    return grids, tables_from_grids(grids, as_of=AS_OF)


def plan(source, grids, tables, mapping=None):
    m = mapping or Mapping()
    hm = match_header(source, m)
    info = tables.sheets[hm.target]
    return plan_upsert(source, hm, m, grid=grids[info.name], info=info, pipe=tables.pipeline, lang="zh", as_of=AS_OF)


def test_by_id_only_differing_fields_and_blank_never_clears():
    grids, t = book([["P-0007", "甲公司", "王经理", "一期", None, "张伟", "需求挖掘", 10000, None, None, None]])
    src = [["ID", "Customer", "Contact", "Deal Name", "Deal owner", "Stage", "Amount", "Close Date"],
           ["P-0007", "甲公司", "", "一期", "Kevin", "Proposal/Price Quote", "$10,000", "3/31/2026"],
           ["", "乙公司", "", "新项目", "Kevin", "Closed Won", "5万", "2026-03-01"]]
    up = plan(src, grids, t)
    assert (up.added, up.updated, up.unchanged, up.ids_assigned) == (1, 1, 0, 1)
    # row 2: only the stage and the expected close changed; the contact (blank in the source) is kept
    assert up.write.cells[2] == {7: "方案制定", 11: dt.date(2026, 3, 31)}
    # the new row: next P-number, owner by alias, stage by export value, 5万 as a number, closed date set
    assert up.write.cells[3] == {1: "P-0008", 2: "乙公司", 4: "新项目", 6: "张伟", 7: "成交交付", 8: 50000, 11: dt.date(2026, 3, 1)}
    assert up.write.last_row == 3 and up.unknown_owners == {}


def test_closed_date_goes_to_the_closed_column_when_the_workbook_has_one():
    head = HEAD + ["结单日期"]
    grids = {"项目跟踪": [head], "设置": config_grid(default_pipeline(), "zh")}
    t = tables_from_grids(grids, as_of=AS_OF)
    up = plan([["Deal Name", "Account Name", "Stage", "Close Date"], ["X", "Y", "Closed Lost", "01/02/2026"]], grids, t)
    assert up.write.cells[2][12] == dt.date(2026, 1, 2) and up.write.cells[2][11] == dt.date(2026, 1, 2)


def test_no_id_source_matches_by_customer_and_project():
    grids, t = book([["P-0001", "甲公司", None, "一期", None, "张伟", "需求挖掘", None, None, None, None]])
    up = plan([["客户名称", "商机名称", "销售阶段"], ["甲公司", "一期", "需求挖掘"], ["甲公司", "二期", "赢单"]], grids, t)
    assert (up.added, up.updated, up.unchanged) == (1, 0, 1)
    assert up.write.cells[3][1] == "P-0002"


def test_repeated_id_is_rejected_with_both_rows_and_unknowns_are_reported():
    grids, t = book([])
    src = [["ID", "Customer", "Stage", "Owner"], ["A1", "x", "Weird", "Nobody"], ["A1", "y", "Lead", "张伟"]]
    up = plan(src, grids, t)
    assert (up.added, len(up.rejected)) == (1, 1)
    assert (up.rejected[0].row, up.rejected[0].reason) == (3, "编号 A1 在导入文件中重复（第一次在第 2 行）")
    assert up.unknown_stages["Weird"].count == 1 and up.unknown_owners == {"Nobody": 1}
    assert up.write.cells[2][7] == "Weird"          # kept as written: the Issues sheet flags it


def test_unparsed_values_are_kept_as_text_and_mapping_constants_fill_blanks():
    grids, t = book([])
    m = Mapping(constants={"owner": "张伟", "stage": "lead"}, amount_unit=1000.0, date_order="dmy")
    up = plan([["ID", "Customer", "Amount", "Close Date", "Stage"], ["A", "x", "12", "03/04/2026", ""],
               ["B", "y", "about 5", "someday", "Closed Won"]], grids, t, m)
    assert up.write.cells[2] == {1: "A", 2: "x", 6: "张伟", 7: "线索获取", 8: 12000, 11: dt.date(2026, 4, 3)}
    assert up.write.cells[3][8] == "about 5" and up.write.cells[3][11] == "someday"


def test_activities_are_added_once():
    acts = [["项目编号", "跟进日期", "跟进方式", "负责人", "沟通内容", "下一步"],
            ["P-0001", dt.datetime(2026, 3, 1), "电话", "张伟", "首次沟通", None]]
    grids, t = book([["P-0001", "甲公司", None, "一期", None, "张伟", "需求挖掘", None, None, None, None]], acts)
    src = [["项目编号", "跟进日期", "跟进方式", "沟通内容"], ["P-0001", "2026/3/1", "Phone", "首次沟通"],
           ["P-0001", "2026/3/9", "拜访", "现场演示"]]
    up = plan(src, grids, t)
    assert up.target == "activities" and (up.added, up.unchanged) == (1, 1)
    assert up.write.cells[3] == {1: "P-0001", 2: dt.date(2026, 3, 9), 3: "拜访", 5: "现场演示"}


def test_a_field_the_workbook_has_no_column_for_is_reported():
    grids, t = book([])
    up = plan([["ID", "Customer", "Lost reason", "Notes"], ["A", "x", "price", "n"]], grids, t)
    assert up.no_column == ["lost_reason", "notes"] and up.write.cells[2] == {1: "A", 2: "x"}
