"""tables_from_grids: the Tables contract (dtypes, _row, extras, issues), IDs, cross-sheet checks."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xltrack.errors import WorkbookUnreadable
from xltrack.normalize.api import tables_from_grids
from xltrack.pipeline import layout
from xltrack.read import CellError

from .validate_books import ACT_HEADER, EN_HEADER, PAY_HEADER, ZH_HEADER

AS_OF = dt.date(2026, 11, 27)
D = dt.date


def _issues(t, code=None):
    return [(i.sheet, i.cell, i.field, i.code) for i in t.issues if code is None or i.code == code]


def test_contract_columns_and_dtypes():
    t = tables_from_grids({"项目跟踪": [ZH_HEADER + ["区域"],
                                       ["P-0001", "华为", "张伟", "商务洽谈", 1200000.0, 0.6,
                                        D(2026, 1, 5), "2026/12/31", "报价", "华南"]]}, as_of=AS_OF)
    p = t.projects
    user = [c.key for c in layout().sheet("projects").user_columns]
    assert list(p.columns) == user + ["_row", "区域"]
    for c in layout().sheet("projects").user_columns:
        want = {"date": "datetime64[ns]", "money": "float64", "percent": "float64", "int": "float64"}
        assert str(p[c.key].dtype) == want.get(c.type, "object"), c.key
    assert p["_row"].dtype == np.int64 and p["_row"].tolist() == [2]
    row = p.iloc[0]
    assert (row["id"], row["customer"], row["owner"], row["stage"]) == ("P-0001", "华为", "张伟", "negotiation")
    assert row["amount"] == 1200000.0 and row["probability"] == 0.6
    assert row["created"] == pd.Timestamp(2026, 1, 5) and row["expected_close"] == pd.Timestamp(2026, 12, 31)
    assert pd.isna(row["closed"]) and row["contact"] is None and row["区域"] == "华南"
    assert t.issues == [] and t.lang == "zh"
    assert list(t.activities.columns) == [c.key for c in layout().sheet("activities").user_columns] + ["_row"]
    info = t.sheets["projects"]
    assert (info.name, info.header_row, info.columns["stage"], info.extras, info.last_row, info.last_col) == \
        ("项目跟踪", 1, 4, {"区域": 10}, 2, 10)


def test_table_placed_below_a_title_and_right_of_column_a(tmp_path):
    from xltrack.normalize.api import read_workbook

    from .validate_books import write_book
    p = write_book(tmp_path / "t.xlsx", {"项目跟踪": [
        ["销售周报"], [], [None, "项目编号", "客户名称", "负责人", "当前阶段", "预计金额"],
        [None, "P-1", "甲", "张伟", "线索", "abc"]]})
    t = read_workbook(p, as_of=AS_OF)
    info = t.sheets["projects"]
    assert (info.header_row, info.columns["id"], info.columns["amount"], info.last_row, info.last_col) == \
        (3, 2, 6, 4, 6)
    assert [(i.cell, i.code) for i in t.issues] == [("F4", "bad-amount")]
    assert t.projects["_row"].tolist() == [4] and t.source == p


def test_header_only_sheets_give_empty_typed_frames():
    t = tables_from_grids({"项目跟踪": [ZH_HEADER], "沟通记录": [ACT_HEADER]}, as_of=AS_OF)
    assert len(t.projects) == 0 and t.issues == []
    assert str(t.projects["created"].dtype) == "datetime64[ns]" and str(t.projects["amount"].dtype) == "float64"
    assert t.projects["_row"].dtype == np.int64 and str(t.activities["date"].dtype) == "datetime64[ns]"


def test_blank_rows_are_skipped_and_no_row_is_dropped():
    grid = [ZH_HEADER,
            ["P-0001", "华为", "张伟", "线索", None, None, None, None, None],
            [None, "   ", "", None, None, None, None, None, None],         # wholly blank: skipped
            [None, None, None, None, "oops", None, None, None, None],      # only junk: kept, flagged
            ["P-0002", "腾讯", "王芳", "lead"]]                              # ragged row
    t = tables_from_grids({"项目跟踪": grid}, as_of=AS_OF)
    assert t.projects["_row"].tolist() == [2, 4, 5]
    assert _issues(t)[-1] == ("项目跟踪", "G5", "created", "missing-created")
    assert _issues(t)[:-1] == [
        ("项目跟踪", "G2", "created", "missing-created"),   # open (线索) with no created date
        ("项目跟踪", "A4", "id", "id-assigned"),
        ("项目跟踪", "B4", "customer", "missing-required"),
        ("项目跟踪", "C4", "owner", "missing-required"),
        ("项目跟踪", "D4", "stage", "missing-required"),
        ("项目跟踪", "E4", "amount", "bad-amount"),
    ]
    assert t.projects["id"].tolist() == ["P-0001", "P-0003", "P-0002"]


def test_ids_assigned_above_every_p_number_and_the_floor_and_stable():
    grid = [["项目编号", "客户名称", "负责人", "当前阶段"],
            [None, "甲", "张伟", "线索"], ["P-0041", "乙", "张伟", "线索"], [None, "丙", "张伟", "线索"],
            ["p12", "丁", "张伟", "线索"]]
    t1 = tables_from_grids({"项目跟踪": grid}, as_of=AS_OF)
    assert t1.projects["id"].tolist() == ["P-0042", "P-0041", "P-0043", "p12"]
    assert [(i.cell, i.normalized, i.message) for i in t1.issues] == [
        ("A2", "P-0042", "项目编号为空，已分配 P-0042"), ("A4", "P-0043", "项目编号为空，已分配 P-0043")]
    t2 = tables_from_grids({"项目跟踪": grid}, as_of=AS_OF)
    assert t2.projects["id"].tolist() == t1.projects["id"].tolist()
    t3 = tables_from_grids({"项目跟踪": grid}, as_of=AS_OF, id_floor=100)
    assert t3.projects["id"].tolist()[0] == "P-0101"
    history = [["记录", "日期", "项目编号", "阶段", "原阶段", "金额", "赢率", "预计成交日期", "负责人", "状态灯"],
               ["阶段变化", D(2026, 1, 1), "P-0077", "方案制定", "需求挖掘", None, None, None, None, None],
               [None] * 10]
    t4 = tables_from_grids({"项目跟踪": grid, "历史": history}, as_of=AS_OF)
    assert t4.projects["id"].tolist()[0] == "P-0078"        # P-0077 was deleted: never reused
    assert t4.history_rows == history[:2]
    history[1] = ["元数据", None, "id_high_water", None, None, 150.0, None, None, None, None]
    t5 = tables_from_grids({"项目跟踪": grid, "历史": history}, as_of=AS_OF)
    assert t5.projects["id"].tolist()[0] == "P-0151"


def test_duplicate_ids_and_unknown_projects():
    grids = {"项目跟踪": [ZH_HEADER, ["P-1", "甲", "张伟", "线索"], ["P-2", "乙", "张伟", "线索"],
                         ["P-1", "丙", "张伟", "线索"], ["P-1", "丁", "张伟", "线索"]],
             "沟通记录": [ACT_HEADER, ["P-2", D(2026, 11, 1), "电话"], ["P-9", D(2026, 11, 1), "电话"],
                         [None, D(2026, 11, 2), "拜访"]],
             "回款计划": [PAY_HEADER, ["P-3", "首付", D(2026, 12, 1), 1000], ["Ｐ-2", "尾款", D(2026, 12, 1), 5]]}
    t = tables_from_grids(grids, as_of=AS_OF)
    assert [i for i in _issues(t) if i[3] != "missing-created"] == [
        ("项目跟踪", "A4", "id", "duplicate-id"), ("项目跟踪", "A5", "id", "duplicate-id"),
        ("沟通记录", "A3", "project_id", "unknown-project"), ("沟通记录", "A4", "project_id", "missing-required"),
        ("回款计划", "A2", "project_id", "unknown-project")]
    assert [i.message for i in t.issues if i.code == "duplicate-id"][0] == "项目编号重复：P-1（与第 2 行相同）"
    assert len(t.projects) == 4 and len(t.activities) == 3   # both duplicates kept


def test_english_workbook_messages_and_lookups():
    grids = {"Projects": [EN_HEADER, ["P-0001", "Acme", "Ann", "Negotation", "1.5M", "60%", "2026-01-05",
                                       "2025-12-01", None]],
             "Activities": [["Project ID", "Date", "Type"], ["P-0001", "Mar 5, 2026", "Emial"]]}
    t = tables_from_grids(grids, as_of=AS_OF)
    assert t.lang == "en"
    assert [(i.cell, i.code, i.message, i.suggestion) for i in t.issues] == [
        ("D2", "unknown-stage", "Unknown stage: Negotation (did you mean “Negotiation”?)", "Negotiation"),
        ("H2", "date-order", "Expected close is before Created", None),
        ("C2", "unknown-activity-type", "Unknown activity type: Emial (did you mean “Email”?)", "Email"),
    ]
    assert t.projects["amount"].tolist() == [1500000.0] and t.projects["stage"].tolist() == [None]
    assert t.activities["date"].tolist() == [pd.Timestamp(2026, 3, 5)]


def test_error_values_ambiguous_and_future_dates():
    grids = {"项目跟踪": [ZH_HEADER, ["P-1", CellError("#REF!"), "张伟", "线索", CellError("#N/A"), None,
                                     "3/5/2026", "12/1", None]]}
    t = tables_from_grids(grids, as_of=AS_OF)
    got = [(i.cell, i.code, i.value, i.message) for i in t.issues]
    assert got == [
        ("B2", "error-value", "#REF!", "单元格是错误值 #REF!"),
        ("E2", "error-value", "#N/A", "单元格是错误值 #N/A"),
        ("G2", "ambiguous-date", "3/5/2026", "日期 3/5/2026 有歧义，按月/日/年理解为 2026-03-05"),
        ("H2", "ambiguous-date", "12/1", "日期 12/1 有歧义，按月/日/年理解为 2026-12-01"),
    ]
    assert t.issues[2].severity == "warning" and t.issues[0].severity == "error"
    neg = tables_from_grids({"项目跟踪": [ZH_HEADER, ["P-1", "甲", "张伟", "线索", -5000.0, None, D(2026, 1, 5)]]},
                            as_of=AS_OF)
    assert [(i.cell, i.code, i.value, i.message) for i in neg.issues] == [
        ("E2", "negative-amount", -5000.0, "金额为负数：-5000")]
    assert neg.projects["amount"].tolist() == [-5000.0]
    typo = tables_from_grids({"项目跟踪": [ZH_HEADER, ["P-1", "甲", "张伟", "线索", None, None,
                                                       dt.datetime(3026, 3, 5)]]}, as_of=AS_OF)
    assert [(i.cell, i.code) for i in typo.issues] == [("G2", "bad-date")]
    assert typo.projects["created"].isna().all()
    future = tables_from_grids({"项目跟踪": [ZH_HEADER, ["P-1", "甲", "张伟", "线索", None, None,
                                                         D(2026, 12, 1)]]}, as_of=AS_OF)
    assert [(i.cell, i.code, i.message) for i in future.issues] == [
        ("G2", "future-date", "日期在今天之后：2026-12-01")]


def test_amounts_in_a_wan_yuan_column():
    grids = {"项目跟踪": [["项目编号", "客户名称", "负责人", "当前阶段", "预计金额（万元）"],
                         ["P-1", "甲", "张伟", "线索", 120.0], ["P-2", "乙", "张伟", "线索", "120万"],
                         ["P-3", "丙", "张伟", "线索", "3.5"], ["P-4", "丁", "张伟", "线索", "¥8,000元"],
                         ["P-5", "戊", "张伟", "线索", -1.0]]}
    t = tables_from_grids(grids, as_of=AS_OF)
    assert t.projects["amount"].tolist() == [1200000.0, 1200000.0, 35000.0, 8000.0, -10000.0]
    assert t.sheets["projects"].units == {"amount": 10000.0}
    assert [(i.cell, i.code, i.message) for i in t.issues] == [("E6", "negative-amount", "金额为负数：-1")]


def test_error_text_from_live_excel_counts_as_error_value():
    """xlwings hands error cells over as their text; they are issues like CellError is."""
    grids = {"项目跟踪": [ZH_HEADER, ["P-1", "#N/A", "张伟", " #REF! ", "#DIV/0!", None, "#VALUE!"]]}
    t = tables_from_grids(grids, as_of=AS_OF)
    assert [(i.cell, i.code, i.value) for i in t.issues] == [
        ("B2", "error-value", "#N/A"), ("D2", "error-value", "#REF!"), ("E2", "error-value", "#DIV/0!"),
        ("G2", "error-value", "#VALUE!")]
    assert t.projects["customer"].tolist() == [None] and t.projects["stage"].tolist() == [None]


def test_owners_checked_against_config_when_listed(monkeypatch):
    from xltrack.normalize import api
    from xltrack.pipeline import default_pipeline
    from xltrack.pipeline.models import Owner

    pipe = default_pipeline()
    pipe.owners = [Owner(name="张伟", aliases=["老张"])]
    monkeypatch.setattr(api, "_pipeline", lambda grids, name, lang: pipe)
    t = tables_from_grids({"项目跟踪": [ZH_HEADER, ["P-1", "甲", "老张", "线索", None, None, D(2026, 1, 5)],
                                       ["P-2", "乙", "张玮", "线索", None, None, D(2026, 1, 5)]]}, as_of=AS_OF)
    assert t.projects["owner"].tolist() == ["张伟", "张玮"]
    assert [(i.cell, i.code, i.message) for i in t.issues] == [
        ("C3", "unknown-owner", "未知负责人：张玮，是否为“张伟”？")]


def test_no_projects_sheet():
    with pytest.raises(WorkbookUnreadable) as e:
        tables_from_grids({"Sheet1": [["a"]], "Sheet2": []}, as_of=AS_OF)
    assert str(e.value) == "找不到“项目跟踪”表（工作簿中的表：Sheet1, Sheet2）。"


def test_sheet_found_by_alias_and_missing_optional_sheets():
    t = tables_from_grids({"Pipeline": [EN_HEADER, ["P-1", "Acme", "Ann", "lead"]]}, as_of=AS_OF)
    assert t.lang == "en" and t.sheets["projects"].name == "Pipeline"
    assert t.activities.empty and "date" in t.activities and str(t.activities["date"].dtype) == "datetime64[ns]"
    assert t.sheet_names == ["Pipeline"] and t.history_rows == []


# ------------------------------------------------------------------ property: idempotent tables --
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELLS = {
    "id": st.sampled_from([None, "P-0001", "P-0002", " P-7 ", 12.0, "X1"]),
    "customer": st.sampled_from([None, "华为", "  腾讯 ", "Acme", 3.0]),
    "owner": st.sampled_from([None, "张伟", " 王芳", "Ann"]),
    "stage": st.sampled_from([None, "商务洽谈", "谈判", "Proposal", "商务洽淡", "won", " lead "]),
    "amount": st.sampled_from([None, 1000.0, "120万", "¥1,200", "abc", -5.0, "1.5M", CellError("#N/A")]),
    "probability": st.sampled_from([None, 0.6, "60%", "60", "150%"]),
    "created": st.sampled_from([None, D(2026, 3, 5), "2026/3/5", "3/5", "20260305", 46086.0, "someday",
                                dt.datetime(2026, 1, 2, 9, 30)]),
}


def _grid_from(frame: pd.DataFrame, header: list[str], keys: list[str]) -> list[list]:
    rows: list[list] = [header]
    for _, r in frame.iterrows():
        while len(rows) < r["_row"] - 1:
            rows.append([None] * len(keys))
        out = []
        for k in keys:
            v = r[k]
            if isinstance(v, pd.Timestamp):
                v = v.date()
            elif v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
                v = None
            out.append(v)
        rows.append(out)
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=8))
def test_normalizing_the_normalized_tables_changes_nothing(rows):
    keys = list(_CELLS)
    header = ["项目编号", "客户名称", "负责人", "当前阶段", "预计金额", "赢率", "创建日期"]
    grid = [header] + [[r[k] for k in keys] for r in rows]
    once = tables_from_grids({"项目跟踪": grid}, as_of=AS_OF)
    again = tables_from_grids({"项目跟踪": _grid_from(once.projects, header, keys)}, as_of=AS_OF)
    pd.testing.assert_frame_equal(again.projects, once.projects)
    # nothing left to report except what normalization cannot fix (blank required cells, duplicates)
    assert {i.code for i in again.issues} <= {"missing-required", "duplicate-id", "negative-amount",
                                              "missing-created"}


_ANY = st.one_of(st.none(), st.text(max_size=10), st.floats(), st.integers(-10**20, 10**20), st.booleans(),
                 st.dates(), st.datetimes(), st.sampled_from([CellError("#N/A"), "#REF!", "  ", "", "１２０万",
                                                               "2026年2月30日", "3/5", "P-0001"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ANY, max_size=9), max_size=6))
def test_any_cell_values_never_crash_and_never_drop_a_row(rows):
    grids = {"项目跟踪": [ZH_HEADER] + rows, "沟通记录": [ACT_HEADER] + [r[:5] for r in rows],
             "回款计划": [PAY_HEADER] + [r[:6] for r in rows]}
    t = tables_from_grids(grids, as_of=AS_OF)

    def nonblank(r, width):
        return any(v is not None and not (isinstance(v, str) and not v.strip()) for v in r[:width])

    assert t.projects["_row"].tolist() == [i + 2 for i, r in enumerate(rows) if nonblank(r, 9)]
    assert t.activities["_row"].tolist() == [i + 2 for i, r in enumerate(rows) if nonblank(r, 5)]
    for i in t.issues:
        assert i.message and i.cell and i.sheet in grids


def test_an_open_project_without_a_created_date_is_a_warning():
    grids = {"项目跟踪": [ZH_HEADER, ["P-1", "甲", "张伟", "方案制定", None, None, None],
                         ["P-2", "乙", "张伟", "输单", None, None, None],
                         ["P-3", "丙", "张伟", "线索", None, None, "下周"],
                         ["P-4", "丁", "张伟", "线索", None, None, "2026/3/1"]]}
    t = tables_from_grids(grids, as_of=AS_OF)
    assert [(i.cell, i.code, i.severity, i.message) for i in t.issues] == [
        ("G2", "missing-created", "warning", "进行中项目缺少创建日期，无法计算未跟进天数（按红线计）"),
        ("G4", "bad-date", "error", "无法识别的日期：下周")]
    en = tables_from_grids({"Projects": [EN_HEADER, ["P-1", "A", "Zhang", "Lead"]]}, as_of=AS_OF)
    assert [i.message for i in en.issues if i.code == "missing-created"] == [
        "Open project has no created date: its age is unknown (counted as red)"]
