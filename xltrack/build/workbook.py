"""Assemble the standard tracking workbook with XlsxWriter.

Why XlsxWriter: it writes a new file fast (an empty workbook in ~0.1 s, 1,000 demo projects with
their activities in well under 2 s, see ``docs/workbook.md``), its tables, validations, notes and
conditional formats open cleanly in Excel, WPS and LibreOffice, and it is write-only, which is all
``init`` needs. Refresh never uses it (it cannot edit an existing file).

Sheet order (``SHEET_ORDER``): the three sheets people type into every day come first and
Projects is the sheet that opens, because a fresh workbook's Dashboard is empty until the first
refresh and salespeople open the file far more often than managers; the manager's summaries follow
immediately (Dashboard first among them), then Config and Guide; History, the machine's memory,
is last.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from .. import __version__
from ..i18n import pick
from ..pipeline import layout
from ..pipeline.models import Pipeline
from .config_writer import write_config_sheet
from .guide_sheet import write_guide_sheet
from .live_rules import RULES
from .owned_sheets import write_owned_sheet
from .styles import USER_TAB, Styles
from .user_sheet import live_last_row, write_user_sheet

SHEET_ORDER = ("projects", "activities", "payments",
               "dashboard", "risk_list", "funnel", "by_owner", "changes", "collections", "issues",
               "config", "guide", "history")
TABLE_SHEETS = ("projects", "activities", "payments")


def build_workbook(path: str | Path, pipeline: Pipeline, lang: str,
                   data: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """Write the workbook to ``path`` (overwrites; the caller checks). ``data``: rows per user sheet."""
    data = data or {}
    lay = layout()
    keys = [s.key for s in lay.sheets]
    order = [k for k in SHEET_ORDER if k in keys] + [k for k in keys if k not in SHEET_ORDER]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    try:
        st = Styles(wb, lang)
        wb.set_properties({"title": pick(lang, "销售项目跟踪表", "Sales pipeline tracker"),
                           "author": "xltrack", "comments": f"Created by xltrack {__version__}"})
        wb.set_custom_property("xltrack_lang", lang)
        wb.set_custom_property("xltrack_version", __version__)
        sheets = {key: wb.add_worksheet(lay.sheet(key).name(lang)) for key in order}
        config_name = lay.sheet("config").name(lang)
        for key in TABLE_SHEETS:
            sheet, ws = lay.sheet(key), sheets[key]
            rows = data.get(key, [])
            ws.set_tab_color(USER_TAB)
            write_user_sheet(ws, sheet, lang, st, rows)
            if key in RULES:
                RULES[key](ws, sheet, lang, st, live_last_row(len(rows)))
        write_config_sheet(wb, sheets["config"], config_name, pipeline, lang, st)
        write_guide_sheet(sheets["guide"], lang, st)
        for sheet in lay.owned_sheets:
            write_owned_sheet(sheets[sheet.key], sheet, lang, st)
        sheets["projects"].activate()
    finally:
        wb.close()
