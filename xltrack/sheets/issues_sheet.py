"""数据问题 Issues: every validation problem, with a hyperlink to the cell that holds it.

Errors come before warnings; within a severity the order is the validator's (sheet order, then
row), so the sheet reads like a to-do list from the top. Capped at ``MAX_ROWS`` rows: past that a
visible line says how many are not listed (they still appear, per row, in the Projects sheet's
数据问题 column, and ``xltrack validate`` lists them all).
"""
from __future__ import annotations

import datetime as dt

from ..i18n import pick
from ..issues import Issue
from ..pipeline import layout
from ..plan import Cell, SheetWrite
from . import style as S
from .context import Ctx

MAX_ROWS = 10_000
WIDTHS = [8, 12, 9, 14, 18, 60, 22]   # messages unwrapped: see risk_list.WIDTHS


def _labels(lang: str) -> list[str]:
    return (["级别", "工作表", "单元格", "字段", "原值", "说明", "代码"] if lang == "zh" else
            ["Severity", "Sheet", "Cell", "Field", "Value", "Message", "Code"])


def _field_label(key: str | None, sheet_key: str | None, lang: str) -> str:
    if not key:
        return ""
    sheets = [s for s in layout().sheets if s.kind == "user"]
    sheets.sort(key=lambda s: s.key != sheet_key)
    for sh in sheets:
        for c in sh.columns:
            if c.key == key:
                return c.label(lang)  # type: ignore[arg-type]
    return key


def _value(v: object) -> object:
    v = S.clean(v)
    if v is None or isinstance(v, (str, int, float, bool, dt.date)):
        return v
    return str(v)


def _value_cell(v: object) -> Cell:
    v = _value(v)
    return Cell(v, S.DATE if isinstance(v, dt.date) else S.TEXT)


def ordered(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: i.severity != "error")   # stable: keeps validator order


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("issues", lang)
    issues = ordered(list(ctx.tables.issues))
    by_name = {info.name: key for key, info in ctx.tables.sheets.items()}
    errors = sum(1 for i in issues if i.severity == "error")
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    rows.append([Cell(pick(lang, "错误 {e} 个 · 警告 {w} 个 · 点击单元格地址可跳转",
                           "{e} errors · {w} warnings · click a cell address to go there",
                           e=errors, w=len(issues) - errors), S.SECTION)])
    rows.append(S.header(_labels(lang)))
    err_style = S.light_style("red")
    warn_style = S.light_style("yellow")
    for i in issues[:MAX_ROWS]:
        sev = pick(lang, "错误", "Error") if i.severity == "error" else pick(lang, "警告", "Warning")
        rows.append([
            Cell(sev, err_style if i.severity == "error" else warn_style),
            S.cell(i.sheet),
            S.cell(i.cell, S.LINK, S.internal_link(i.sheet, i.cell) if i.cell else None),
            S.cell(_field_label(i.field, by_name.get(i.sheet), lang)),
            _value_cell(i.value),
            S.cell(i.message),
            S.cell(i.code),
        ])
    if not issues:
        rows.append([Cell(pick(lang, "没有发现数据问题。", "No data issues found."), S.NOTE)])
    hidden = len(issues) - MAX_ROWS
    if hidden > 0:
        rows.append(S.overflow_note(hidden, lang,
                                    "另有 {n} 个问题未列出：见项目跟踪表的“数据问题”列，或运行 xltrack validate",
                                    "{n} more not shown: see the Data issues column on Projects, or run xltrack validate"))
    return SheetWrite(key="issues", name=name, rows=rows,
                      col_widths={i + 1: w for i, w in enumerate(WIDTHS)}, freeze=(5, 0))
