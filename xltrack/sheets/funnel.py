"""漏斗 Funnel: one row per stage in pipeline order — count, amount, weighted amount, average
days in stage, conversion to the next stage — plus how many of each stage's projects are red or
yellow.

Every figure is the KPI figure (``kpis["by_stage"]``), so the sheet agrees with ``xltrack report``. A stage the KPIs do not
mention still gets its row (pipeline order is the Config sheet's), with empty figures. Never
truncated: one row per configured stage.
"""
from __future__ import annotations

from ..i18n import pick
from ..plan import Cell, SheetWrite
from . import kpis as K
from . import style as S
from .context import Ctx

HEADER_ROW = 4
WIDTHS = [14, 10, 8, 16, 16, 12, 12, 12, 8, 8]


def _labels(lang: str) -> list[str]:
    return (["阶段", "类型", "项目数", "金额", "加权金额", "当前平均阶段天数", "历史平均停留天数",
             "转化到下一阶段", "红灯", "黄灯"] if lang == "zh" else
            ["Stage", "Kind", "Projects", "Amount", "Weighted", "Avg days in stage (now)",
             "Avg dwell (history)", "Conversion to next", "Red", "Yellow"])


def _kind(kind: str, lang: str) -> str:
    return {"open": pick(lang, "进行中", "Open"), "won": pick(lang, "赢单", "Won"),
            "lost": pick(lang, "输单", "Lost"), "hold": pick(lang, "搁置", "On hold")}[kind]


def stage_rows(ctx: Ctx) -> list[dict]:
    """Per configured stage: name, kind and its KPI figures (None when the KPIs lack them)."""
    ks = K.by_stage(ctx.results.kpis)
    out = []
    for st in ctx.tables.pipeline.stages:
        row = ks.get(st.key, {})
        out.append({"key": st.key, "name": st.name(ctx.lang), "kind": st.kind,  # type: ignore[arg-type]
                    "count": K.num(row, "count"), "amount": K.num(row, "amount"),
                    "weighted": K.num(row, "weighted_amount"),
                    "avg_days": K.num(row, "avg_days_in_stage"),
                    "dwell": K.num(row, "avg_dwell_days"),
                    "conversion": K.num(row, "conversion"),
                    "red": K.num(row, "red") or 0.0, "yellow": K.num(row, "yellow") or 0.0})
    return out


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("funnel", lang)
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    rows.append(S.header(_labels(lang)))
    for r in stage_rows(ctx):
        rows.append([Cell(r["name"], S.Style(border=True, bold=True)), Cell(_kind(r["kind"], lang), S.TEXT),
                     Cell(r["count"], S.INT), Cell(r["amount"], S.MONEY), Cell(r["weighted"], S.MONEY),
                     Cell(r["avg_days"], S.DAYS), Cell(r["dwell"], S.DAYS), Cell(r["conversion"], S.PERCENT),
                     Cell(r["red"], S.light_style("red") if r["red"] else S.INT),
                     Cell(r["yellow"], S.light_style("yellow") if r["yellow"] else S.INT)])
    rows.append([])
    rows.append([Cell(pick(lang, "转化率：进入下一阶段的项目占进入本阶段项目的比例（来自历史表与里程碑日期）。",
                           "Conversion: share of projects that entered this stage and went on to the next "
                           "(from History and milestone dates)."), S.NOTE)])
    return SheetWrite(key="funnel", name=name, rows=rows,
                      col_widths={i + 1: w for i, w in enumerate(WIDTHS)}, freeze=(HEADER_ROW, 1))
