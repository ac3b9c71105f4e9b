"""The Guide (使用说明) sheet: a short page in the workbook's language."""
from __future__ import annotations

import math
from typing import Any

from ..i18n import pick
from ..pipeline import layout
from .styles import SETUP_TAB, Styles
from .user_sheet import display_width


def guide_rows(lang: str) -> list[tuple[str, str]]:
    lay = layout()
    n = {s.key: s.name(lang) for s in lay.sheets}
    owned = "、".join(s.name(lang) for s in lay.owned_sheets) if lang == "zh" else \
        ", ".join(s.name(lang) for s in lay.owned_sheets)
    return [
        (n["projects"], pick(lang,
            "每个商机一行。蓝色表头的列由销售填写；灰色表头的列（状态灯、风险原因、阶段天数…）由 xltrack 刷新时"
            "计算，手工修改会被覆盖。鼠标停在表头上可看到填写说明。负责人、阶段从下拉列表选择。",
            "One row per opportunity. Blue-headed columns are typed by the salesperson; grey-headed columns "
            "(Light, Risk reasons, Days in stage…) are computed by xltrack on refresh and overwritten. Hover "
            "over a header for what to type. Pick owner and stage from the drop-downs.")),
        (n["activities"], pick(lang,
            "每次跟进一行：项目编号、日期、方式、跟进人、内容、下一步。未跟进天数和跟进次数由此计算。",
            "One row per follow-up: project ID, date, type, owner, summary, next step. Idle days and "
            "follow-up counts come from here.")),
        (n["payments"], pick(lang,
            "每期回款一行；到账后填写实际日期和实际金额。计划日期已过仍未到账会标红。",
            "One row per installment; fill the actual date and amount when paid. A planned date passed "
            "without payment shows red.")),
        (n["config"], pick(lang,
            "阶段、阈值、跟进方式和负责人。下拉列表来自这里，经理可直接修改或在区块内插入行。",
            "Stages, thresholds, activity types and owners. The drop-downs come from here; a manager may "
            "edit values or insert rows inside a block.")),
        (owned, pick(lang, "自动生成的汇总表（灰色标签），每次刷新时重写，请勿手工编辑。",
                     "Generated summary sheets (grey tabs), rewritten on every refresh; do not edit.")),
        (pick(lang, "颜色", "Colours"), pick(lang,
            "红 = 立即处理（下一步逾期、长时间未跟进、回款逾期…）；黄 = 需要关注（预计成交日期已过、接近阈值…）；"
            "绿 = 正常。刷新之前，日期列也会按今天的日期自动着色。",
            "Red = act now (next step overdue, long idle, collection overdue…); yellow = watch (expected close "
            "passed, nearing a threshold…); green = fine. Before any refresh, date columns are coloured "
            "against today's date.")),
        (pick(lang, "刷新", "Refresh"), pick(lang,
            "命令行：xltrack refresh 文件名.xlsx（启用宏的版本可点击“刷新”按钮）。刷新只改灰色列和自动生成的表。",
            "Command line: xltrack refresh FILE.xlsx (or the Refresh button in the macro-enabled version). "
            "A refresh changes only the grey columns and the generated sheets.")),
        (pick(lang, "输入习惯", "Typing"), pick(lang,
            "日期可写 2026-03-05、2026/3/5 或 2026年3月5日；金额可写 120万 或 ¥1,200,000；阶段可写别名。"
            "xltrack 能识别的会自动理解，不能识别的列在“数据问题”表中，并标明单元格位置。",
            "Dates as 2026-03-05 or 3/5/2026; amounts as 1.2M or ¥1,200,000; stages by an alias. What xltrack "
            "cannot understand is listed on the Issues sheet with its cell address.")),
    ]


def write_guide_sheet(ws: Any, lang: str, st: Styles) -> None:
    ws.set_tab_color(SETUP_TAB)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, pick(lang, "销售项目跟踪表 — 使用说明", "Sales pipeline workbook — guide"), st.title())
    ws.set_row(0, 26)
    head = st.header()
    ws.write_string(2, 0, pick(lang, "表 / 主题", "Sheet / topic"), head)
    ws.write_string(2, 1, pick(lang, "说明", "What to do"), head)
    for i, (topic, text) in enumerate(guide_rows(lang), start=3):
        ws.write_string(i, 0, topic, st.get(bold=True, text_wrap=True, valign="top"))
        ws.write_string(i, 1, text, st.text_wrap())
        lines = max(math.ceil(display_width(topic) / 20), math.ceil(display_width(text) / 86), 1)
        ws.set_row(i, 6 + 16 * lines)
