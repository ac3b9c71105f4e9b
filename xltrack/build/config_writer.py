"""Writing the Config (设置) sheet and the defined names that feed drop-downs and live colours.

The cell values and positions come from :mod:`xltrack.pipeline.config_sheet` (the layout is
defined there once, next to the code that reads it back); this module only styles them and
defines the names:

* ``xlt_stages``, ``xlt_owners``, ``xlt_activity_types`` — the drop-down lists: an
  OFFSET/COUNTA range over the block's name column, so a manager who adds a name in the reserved
  rows sees it in the drop-down at once (no blank entries); the owner block is the sheet's last,
  so ``xlt_owners`` runs to the sheet's last row and owners are unlimited;
* ``xlt_stage_names``, ``xlt_stage_kinds``, ``xlt_stage_idle_yellow``, ``xlt_stage_idle_red`` —
  plain ranges over the stage block, used by the TODAY()-based conditional formats.

Inserting rows inside a block grows all of them (Excel adjusts ranges on insert).
"""
from __future__ import annotations

from typing import Any

from ..i18n import pick
from ..pipeline.config_sheet import (KIND_LABELS, SETTING_ROWS, BlockPos, ConfigLayout, col_letter,
                                     config_grid, config_layout)
from ..pipeline.models import Pipeline
from .cells import write_value
from .live_rules import IDLE_RED, IDLE_YELLOW, STAGE_KINDS, STAGE_NAMES
from .styles import SETUP_TAB, Styles


def _ref(sheet: str, pos: BlockPos, key: str) -> tuple[str, int, int]:
    return col_letter(pos.cols[key]), pos.first_row, pos.last_row


def _abs(sheet: str, col: str, r1: int, r2: int) -> str:
    return f"='{sheet}'!${col}${r1}:${col}${r2}"


def _list(sheet: str, col: str, r1: int, r2: int) -> str:
    return (f"=OFFSET('{sheet}'!${col}${r1},0,0,"
            f"MAX(1,COUNTA('{sheet}'!${col}${r1}:${col}${r2})),1)")


def define_names(wb: Any, sheet: str, lay: ConfigLayout) -> None:
    lang = lay.lang
    st, ty, ow = lay.blocks["stages"], lay.blocks["activity_types"], lay.blocks["owners"]
    wb.define_name("xlt_stages", _list(sheet, *_ref(sheet, st, lang)))
    wb.define_name("xlt_activity_types", _list(sheet, *_ref(sheet, ty, lang)))
    col, first, _ = _ref(sheet, ow, "name")
    wb.define_name("xlt_owners", _list(sheet, col, first, SHEET_LAST_ROW))   # the last block: unlimited
    for name, key in ((STAGE_NAMES, lang), (STAGE_KINDS, "kind"), (IDLE_YELLOW, "idle_yellow"),
                      (IDLE_RED, "idle_red")):
        wb.define_name(name, _abs(sheet, *_ref(sheet, st, key)))


SHEET_LAST_ROW = 1_048_576

_KIND_FMT = {"percent": "percent", "int": "int", "threshold": "int"}


def write_config_sheet(wb: Any, ws: Any, sheet: str, pipeline: Pipeline, lang: str, st: Styles) -> ConfigLayout:
    lay = config_layout(pipeline, lang)
    grid = config_grid(pipeline, lang, lay)
    ws.set_tab_color(SETUP_TAB)
    widths: dict[int, float] = {}
    for pos in lay.blocks.values():
        for f in pos.block.fields:
            c = pos.cols[f.key]
            widths[c] = max(widths.get(c, 0), f.width)
    widths[1] = max(widths[1], 14)
    for c, w in widths.items():
        ws.set_column(c - 1, c - 1, w)
    ws.write_string(0, 0, grid[0][0], st.title())
    ws.write_string(1, 0, grid[1][0], st.note())
    ws.set_row(0, 24)
    for key, pos in lay.blocks.items():
        b = pos.block
        width = len(b.fields)
        for c in range(width):
            ws.write_blank(pos.title_row - 1, c, None, st.block_title())
        ws.write_string(pos.title_row - 1, 0, b.title(lang), st.block_title())
        ws.set_row(pos.header_row - 1, 30)
        for f in b.fields:
            c = pos.cols[f.key] - 1
            ws.write_string(pos.header_row - 1, c, f.label(lang), st.header())
            help_text = f.help_zh if lang == "zh" else f.help_en
            if help_text:
                ws.write_comment(pos.header_row - 1, c, help_text,
                                 {"author": "xltrack", "x_scale": 2, "font_name": st.font, "font_size": 9})
            fmt = st.get(num_format=st.lay.formats[_KIND_FMT[f.kind]]) if f.kind in _KIND_FMT else st.get()
            if key == "settings":
                fmt = st.note() if f.key == "note" else st.get(bold=f.key == "item")
            for r in range(pos.first_row, pos.last_row + 1):
                v = grid[r - 1][c] if r - 1 < len(grid) else None
                if v is None:
                    ws.write_blank(r - 1, c, None, fmt)
                else:
                    write_value(ws, r - 1, c, v, fmt)
            if f.kind == "kind":
                ws.data_validation(pos.first_row - 1, c, pos.last_row - 1, c, {
                    "validate": "list", "error_type": "stop",
                    "source": [v[0 if lang == "zh" else 1] for v in KIND_LABELS.values()]})
            if f.kind == "threshold":
                ws.data_validation(pos.first_row - 1, c, pos.last_row - 1, c, {
                    "validate": "integer", "criteria": ">", "value": 0, "error_type": "stop",
                    "input_title": f.label(lang)[:32],
                    "input_message": (f.help_zh if lang == "zh" else f.help_en)[:255],
                    "error_message": pick(lang, "阈值必须是正整数（天数），或留空。",
                                          "A threshold is a positive whole number of days, or blank.")})
        if key == "settings":
            row = pos.first_row + [k for k, *_ in SETTING_ROWS].index("date_order") - 1
            ws.data_validation(row, 1, row, 1, {"validate": "list", "source": ["mdy", "dmy"], "error_type": "stop"})
    define_names(wb, sheet, lay)
    ws.freeze_panes(2, 0)
    return lay
