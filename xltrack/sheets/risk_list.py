"""风险清单 Risk list: every red and yellow project, worst first — what a manager acts on.

Worst first is the one risk order of :mod:`xltrack.compute.risk` (red before yellow, larger
amount, longer idle — never followed up counts as most idle —, then the ID), the same as the
report's and the e-mail's. The list is capped at
``MAX_ROWS`` rows so a workbook with 10,000 red projects still gets a sheet Excel opens quickly;
the line under the list says how many were left out and where to find them (filter the Projects
sheet by its light column, which holds every project).
"""
from __future__ import annotations

from ..compute.risk import risks
from ..i18n import pick
from ..plan import Cell, SheetWrite
from . import style as S
from .context import Ctx

MAX_ROWS = 500
HEADER_ROW = 5


def _labels(lang: str) -> list[str]:
    zh = ["状态灯", "项目编号", "客户名称", "项目名称", "负责人", "当前阶段", "预计金额",
          "风险原因", "下一步计划", "下一步截止", "未跟进天数", "阶段天数"]
    en = ["Light", "ID", "Customer", "Project", "Owner", "Stage", "Amount",
          "Risk reasons", "Next step", "Next step due", "Idle days", "Days in stage"]
    return zh if lang == "zh" else en


# Long texts are not wrapped: row heights are not recomputed by every viewer (LibreOffice keeps
# the default height and overlaps wrapped lines), so the reasons column is wide instead.
WIDTHS = [8, 12, 26, 26, 10, 12, 14, 70, 28, 12, 10, 10]


def risk_records(ctx: Ctx) -> list[dict]:
    """Red and yellow projects as plain dicts, worst first."""
    rp = ctx.results.projects
    if not len(rp):
        return []
    rp = risks(rp)  # red and yellow, worst first: the one risk order
    tp = ctx.tables.projects.reindex(rp.index)

    def col(df, key: str) -> list:
        return S.column(df, key) if key in df.columns else [None] * len(df)

    c = {k: col(rp, k) for k in ("light", "id", "_row", "owner", "stage", "reason_text")}
    n = {k: [S.number(v) for v in col(rp, k)] for k in ("amount", "idle_days", "days_in_stage")}
    t = {k: col(tp, k) for k in ("customer", "project", "next_step", "next_step_due")}
    return [{
        "light": c["light"][j], "id": c["id"][j], "_row": c["_row"][j],
        "customer": t["customer"][j], "project": t["project"][j],
        "owner": c["owner"][j], "stage": c["stage"][j],
        "amount": n["amount"][j], "reasons": c["reason_text"][j],
        "next_step": t["next_step"][j], "next_step_due": t["next_step_due"][j],
        "idle_days": n["idle_days"][j], "days_in_stage": n["days_in_stage"][j],
    } for j in range(len(rp))]


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("risk_list", lang)
    recs = risk_records(ctx)
    reds = sum(1 for r in recs if r["light"] == "red")
    yellows = len(recs) - reds
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    rows.append([Cell(pick(lang, "红灯 {r} 个 · 黄灯 {y} 个 · 最严重的在前（红灯、金额大、久未跟进的在前）",
                           "{r} red · {y} yellow · worst first (red, larger amount, longer idle first)",
                           r=reds, y=yellows), S.SECTION)])
    rows.append(S.header(_labels(lang)))
    for r in recs[:MAX_ROWS]:
        rows.append([
            Cell(S.light_label(r["light"], lang), S.light_style(r["light"])),
            S.cell(r["id"], S.LINK, ctx.row_link(r["_row"])),
            S.cell(r["customer"]), S.cell(r["project"]), S.cell(r["owner"]),
            S.cell(ctx.stage_name(r["stage"])), S.cell(r["amount"], S.MONEY),
            S.cell(r["reasons"]), S.cell(r["next_step"]),
            S.cell(r["next_step_due"], S.DATE), S.cell(r["idle_days"], S.INT),
            S.cell(r["days_in_stage"], S.INT),
        ])
    if not recs:
        rows.append([Cell(pick(lang, "没有红灯或黄灯项目。", "No red or yellow projects."), S.NOTE)])
    hidden = len(recs) - MAX_ROWS
    if hidden > 0:
        rows.append(S.overflow_note(hidden, lang, "另有 {n} 个项目未列出，见项目跟踪表筛选（状态灯列）",
                                    "{n} more not shown: filter the Projects sheet by its Light column"))
    return SheetWrite(key="risk_list", name=name, rows=rows,
                      col_widths={i + 1: w for i, w in enumerate(WIDTHS)},
                      freeze=(HEADER_ROW, 2), tab_color=S.COLORS["red_font"])
