"""A user sheet (Projects, Activities, Payments) as an Excel table with help and validation.

Everything comes from the layout data (``workbook_templates/layout.toml``): header labels (the
cell text is exactly the label, because readers match headers by label), widths, formats, help
text (as the header's note and as the validation input message). Computed columns sit at the
right end of the table with a grey header, a grey column fill and an "自动/auto" note.

Validation and drop-downs cover a generous range below the table (``LIVE_ROWS``), so a row typed
under the table in any spreadsheet program gets them; Excel also grows the table itself.
Validation errors are warnings, not stops: xltrack reads and reports messy input anyway, and a
salesperson pasting from elsewhere must never be blocked.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from ..i18n import pick
from ..pipeline.config_sheet import col_letter
from ..pipeline.models import Column, Sheet
from .cells import Formula, write_value
from .styles import HEADER_HEIGHT, Styles

LIVE_ROWS = 5000   # rows below the header that carry validation and live conditional formats
TABLE_STYLE = "Table Style Light 9"
LIST_NAMES = {"stage": "xlt_stages", "owner": "xlt_owners", "activity_type": "xlt_activity_types"}


def table_name(sheet: Sheet) -> str:
    return f"xlt_{sheet.key}"


def live_last_row(n_rows: int) -> int:
    """0-based last row that carries validation/conditional formats."""
    return max(LIVE_ROWS, n_rows + 1000)


def _note(col: Column, lang: str) -> str:
    text = col.help(lang)
    if col.owned:
        text += pick(lang, "\n（灰色列由 xltrack 刷新时填写，请勿手工修改。）",
                     "\n(Grey columns are filled by xltrack on refresh; do not edit.)")
    return text


def _validation(col: Column, lang: str, first_col_letter: str) -> dict[str, Any] | None:
    title = col.label(lang)[:32]
    msg = col.help(lang)[:255]
    base = {"input_title": title, "input_message": msg, "error_type": "warning",
            "error_title": title}
    if col.type == "date":
        return {**base, "validate": "date", "criteria": "between",
                "minimum": dt.date(1990, 1, 1), "maximum": dt.date(2100, 12, 31),
                "error_message": pick(lang, "请输入日期，例如 2026-03-05。", "Enter a date, e.g. 2026-03-05.")}
    if col.type == "money":
        return {**base, "validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": pick(lang, "请输入金额（数字）。", "Enter an amount (a number).")}
    if col.type == "percent":
        return {**base, "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "error_message": pick(lang, "请输入 0%–100% 之间的赢率。", "Enter a probability between 0% and 100%.")}
    if col.type in LIST_NAMES:
        return {**base, "validate": "list", "source": "=" + LIST_NAMES[col.type],
                "error_message": pick(lang, "不在“设置”表的列表中；可先在“设置”表中添加。",
                                      "Not in the list on the Config sheet; add it there first.")}
    if col.type == "id" and col.key == "id":
        ref = f"${first_col_letter}$2:${first_col_letter}${LIVE_ROWS + 1}"
        return {**base, "validate": "custom", "value": f"=COUNTIF({ref},{first_col_letter}2)<=1",
                "error_message": pick(lang, "项目编号重复。", "This project ID is already used.")}
    return None


def display_width(value: Any) -> float:
    """Roughly how many character widths a value takes (CJK characters count two)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, Formula):
        return 6
    if isinstance(value, float):
        return len(f"{value:,.0f}")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def column_widths(cols: list[Column], rows: list[dict[str, Any]], lang: str) -> list[float]:
    """The layout's width, widened to fit the header and the data (capped), so nothing is cut off."""
    out = []
    for col in cols:
        longest = max([display_width(r[col.key]) for r in rows[:500] if r.get(col.key) is not None] or [0])
        out.append(min(max(col.width, longest * 1.1 + 1, display_width(col.label(lang)) * 0.6 + 2), 48))
    return out


def write_user_sheet(ws: Any, sheet: Sheet, lang: str, st: Styles,
                     rows: list[dict[str, Any]] | None = None) -> None:
    """Write the header, the table, notes, validation and (optionally) data rows."""
    rows = rows or []
    cols = sheet.columns
    last = live_last_row(len(rows))
    date_fmt = st.column("date")
    for c, (col, width) in enumerate(zip(cols, column_widths(cols, rows, lang))):
        ws.set_column(c, c, width, st.column(col.type, col.owned))
    ws.set_row(0, HEADER_HEIGHT)
    ws.add_table(0, 0, max(len(rows), 1), len(cols) - 1, {
        "name": table_name(sheet), "style": TABLE_STYLE, "autofilter": True,
        "columns": [{"header": col.label(lang), "header_format": st.header(col.owned)} for col in cols],
    })
    for c, col in enumerate(cols):
        ws.write_comment(0, c, _note(col, lang), {"author": "xltrack", "x_scale": 2.4, "y_scale": 1.3,
                                                  "font_name": st.font, "font_size": 9})
        if col.owned:
            continue
        dv = _validation(col, lang, col_letter(c + 1))
        if dv is not None:
            ws.data_validation(1, c, last, c, dv)
    fmts = [(c, col.key, st.column(col.type, col.owned)) for c, col in enumerate(cols)]
    for r, row in enumerate(rows, start=1):
        for c, key, fmt in fmts:
            if key in row:
                write_value(ws, r, c, row[key], fmt, date_fmt)
    ws.freeze_panes(1, 2 if sheet.key == "projects" else 0)
