"""Small workbooks for the read/normalize/validate tests, written with XlsxWriter.

``write_book(path, {"项目跟踪": rows, ...})``: each row is a list of cell values; a
``datetime.date`` becomes a real date cell, a value wrapped in :class:`Formula` a formula with a
cached result, ``None`` an empty cell.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

ZH_HEADER = ["项目编号", "客户名称", "负责人", "当前阶段", "预计金额", "赢率", "创建日期", "预计成交日期", "下一步计划"]
EN_HEADER = ["ID", "Customer", "Owner", "Stage", "Amount", "Probability", "Created", "Expected close", "Next step"]
ACT_HEADER = ["项目编号", "日期", "方式", "跟进人", "沟通内容"]
PAY_HEADER = ["项目编号", "期次", "计划日期", "计划金额", "实际日期", "实际金额"]


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: Any


def write_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, Formula):
                    ws.write_formula(r, c, v.formula, None, v.cached)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, datef)
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), datef)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write(r, c, v)
    wb.close()
    return path


def messy_sheets() -> dict[str, list[list[Any]]]:
    """A zh workbook with one of each common mistake (row numbers are asserted in tests)."""
    d = dt.date
    return {
        "项目跟踪": [
            ["销售项目跟踪表", None, None],                                                   # 1 title
            ZH_HEADER + ["区域"],                                                             # 2 header
            ["P-0001", "华为", "张伟", "商务洽谈", 1200000, 0.6, d(2026, 1, 5), d(2026, 12, 31), "报价", "华南"],  # 3
            ["P-0002", "腾讯", "王芳", "商务洽淡", "120万", "60%", "2026/3/5", "2026年12月1日", "演示", None],   # 4
            [None, "阿里", "李娜", "Proposal", "1.2亿", 60, "20260305", "3/5", None, "华东"],               # 5
            [None, None, None, None, None, None, None, None, None, None],                                   # 6 blank
            ["P-0002", "字节", None, "lead", "abc", "150%", "someday", None, None, None],                     # 7
            ["P-0003", "京东", "刘洋", Formula("=NA()", "#N/A"), 5000, None, d(2026, 2, 1), None, None, None],  # 8
        ],
        "沟通记录": [
            ACT_HEADER,
            ["P-0001", d(2026, 11, 20), "电话", "张伟", "确认报价"],
            ["P-0009", d(2026, 11, 21), "拜访", "王芳", "无此项目"],
            ["P-0002", "2026-11-30", "飞鸽", "王芳", "未来日期"],
        ],
        "回款计划": [
            PAY_HEADER,
            ["P-0001", "首付款", d(2026, 12, 1), "36万", None, None],
        ],
    }
