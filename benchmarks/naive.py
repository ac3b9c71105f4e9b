"""The naive baselines the whole-process benchmarks compare against, each run as its own process.

``python benchmarks/naive.py refresh WORKBOOK COLUMNS.json`` — what a refresh costs written the
obvious way: openpyxl ``load_workbook`` → write the computed columns (values, and their fills) →
``save``. The columns are the ones xltrack's plan writes for this workbook, dumped beforehand
(``dump``, untimed), so the baseline does no computing of its own: only the Excel work.

``python benchmarks/naive.py validate WORKBOOK`` — openpyxl ``read_only`` iteration of every
value of every sheet (no normalization at all).

``python benchmarks/naive.py dump WORKBOOK COLUMNS.json [AS_OF]`` — compute the plan with xltrack
and write its computed columns (sheet, column, header, row → value and fill) as JSON.
"""
from __future__ import annotations

import datetime as dt
import json
import sys


def dump(path: str, out: str, as_of: str) -> None:
    from xltrack.compute.api import compute
    from xltrack.normalize.api import read_workbook
    from xltrack.planner import make_plan

    day = dt.date.fromisoformat(as_of)
    tables = read_workbook(path, as_of=day)
    plan = make_plan(tables, compute(tables, day))

    def plain(c):
        v = c.value
        v = v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v
        return [v, c.style.fill if c.style else None]

    cols = [{"sheet": c.sheet, "col": c.col, "header_row": c.header_row, "header": plain(c.header),
             "rows": c.rows, "cells": [plain(x) for x in c.cells]} for c in plan.columns]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(cols, f, ensure_ascii=False)


def refresh(path: str, columns: str) -> None:
    import openpyxl
    from openpyxl.styles import PatternFill

    with open(columns, encoding="utf-8") as f:
        cols = json.load(f)
    wb = openpyxl.load_workbook(path)
    fills: dict[str, PatternFill] = {}

    def put(ws, r, c, value, fill):
        x = ws.cell(r, c)
        x.value = value
        if isinstance(value, str):
            x.data_type = "s"      # text stays text (a naive writer would otherwise make formulas)
        if fill:
            if fill not in fills:
                fills[fill] = PatternFill("solid", fgColor=fill)
            x.fill = fills[fill]

    for col in cols:
        ws = wb[col["sheet"]]
        put(ws, col["header_row"], col["col"], *col["header"])
        for r, (value, fill) in zip(col["rows"], col["cells"]):
            put(ws, r, col["col"], value, fill)
    wb.save(path)


def validate(path: str) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += len(row)
    wb.close()
    print(n)


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "dump":
        dump(args[0], args[1], args[2] if len(args) > 2 else "2026-11-27")
    elif cmd == "refresh":
        refresh(*args)
    elif cmd == "validate":
        validate(*args)
    else:
        sys.exit(f"unknown command {cmd!r}")
