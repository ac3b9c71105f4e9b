"""Conditional formats based on TODAY(): the sheet is useful before any Python runs.

Projects: next-step due date passed → red; expected close date passed → yellow; 最近跟进 (last
follow-up) as old as the stage's idle thresholds on the Config sheet → yellow/red. Only rows in
an open stage are coloured: "open" means the typed stage is not a won/lost/hold stage on the
Config sheet (an unknown or misspelt stage counts as open, so it is not silently hidden).
Payments: planned date passed with no actual date → red.

The formulas reach the Config sheet only through defined names (Excel 2007 refused direct
references to other sheets in conditional formats). Thresholds are looked up per stage with
INDEX/MATCH, so a manager changing a threshold on the Config sheet changes the colours.
"""
from __future__ import annotations

from typing import Any

from ..pipeline.config_sheet import KIND_LABELS, col_letter
from ..pipeline.models import Sheet
from .styles import Styles

STAGE_NAMES = "xlt_stage_names"
STAGE_KINDS = "xlt_stage_kinds"
IDLE_YELLOW = "xlt_stage_idle_yellow"
IDLE_RED = "xlt_stage_idle_red"


def _letters(sheet: Sheet) -> dict[str, str]:
    return {c.key: col_letter(i + 1) for i, c in enumerate(sheet.columns)}


def _add(ws: Any, col: str, last: int, formula: str, fmt: Any) -> None:
    rng = f"{col}2:{col}{last + 1}"
    ws.conditional_format(rng, {"type": "formula", "criteria": formula, "format": fmt, "stop_if_true": False})


def projects_rules(ws: Any, sheet: Sheet, lang: str, st: Styles, last: int) -> None:
    L = _letters(sheet)
    open_label = KIND_LABELS["open"][0 if lang == "zh" else 1]
    stage = f"TRIM(${L['stage']}2)"
    is_open = f"COUNTIFS({STAGE_NAMES},{stage},{STAGE_KINDS},\"<>{open_label}\")=0"
    red, yellow = st.light("red"), st.light("yellow")
    due, close, last_fu = f"${L['next_step_due']}2", f"${L['expected_close']}2", f"${L['last_follow_up']}2"
    _add(ws, L["next_step_due"], last, f"=AND(ISNUMBER({due}),{due}<TODAY(),{is_open})", red)
    _add(ws, L["expected_close"], last, f"=AND(ISNUMBER({close}),{close}<TODAY(),{is_open})", yellow)
    for name, fmt in ((IDLE_RED, red), (IDLE_YELLOW, yellow)):   # red first: it wins when both hold
        limit = f"INDEX({name},MATCH({stage},{STAGE_NAMES},0))"
        _add(ws, L["last_follow_up"], last,
             f"=IFERROR(AND(ISNUMBER({last_fu}),{limit}>0,TODAY()-{last_fu}>={limit},{is_open}),FALSE)", fmt)


def payments_rules(ws: Any, sheet: Sheet, lang: str, st: Styles, last: int) -> None:
    L = _letters(sheet)
    planned, actual = f"${L['planned_date']}2", f"${L['actual_date']}2"
    _add(ws, L["planned_date"], last,
         f"=AND(ISNUMBER({planned}),{planned}<TODAY(),LEN(TRIM({actual}))=0)", st.light("red"))


RULES = {"projects": projects_rules, "payments": payments_rules}
