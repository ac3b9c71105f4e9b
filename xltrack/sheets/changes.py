"""本周变化 Weekly changes: what moved since the latest snapshot at least 7 days old.

One count per kind of change on top (new, advanced, moved back, won, lost, slipped close date,
amount changed, newly red), then every change, grouped by kind in that order, then by project ID.
Capped at ``MAX_ROWS`` listed changes; the counts on top always cover all of them, and a visible
line says how many rows were left out.
"""
from __future__ import annotations

import datetime as dt

from ..i18n import pick
from ..plan import Cell, SheetWrite
from . import style as S
from .context import Ctx

MAX_ROWS = 2_000
HEADER_ROW = 7
KINDS: list[tuple[str, str, str]] = [
    ("new", "新增", "New"),
    ("advanced", "推进", "Advanced"),
    ("moved_back", "回退", "Moved back"),
    ("won", "赢单", "Won"),
    ("lost", "输单", "Lost"),
    ("slipped", "成交日期推迟", "Close date slipped"),
    ("amount_changed", "金额变化", "Amount changed"),
    ("newly_red", "新亮红灯", "Newly red"),
]
WIDTHS = [16, 12, 22, 24, 10, 16, 16, 40]
ZERO = S.Style(border=True, halign="center", font_color=S.MUTED)


def _labels(lang: str) -> list[str]:
    return (["变化", "项目编号", "客户名称", "项目名称", "负责人", "原值", "新值", "说明"] if lang == "zh" else
            ["Change", "ID", "Customer", "Project", "Owner", "From", "To", "Details"])


def kind_label(kind: str, lang: str) -> str:
    for k, zh, en in KINDS:
        if k == kind:
            return pick(lang, zh, en)
    return kind


def change_records(ctx: Ctx) -> list[dict]:
    df = ctx.results.changes
    if df is None or not len(df) or "change" not in df.columns:
        return []
    cols = {k: (df[k].tolist() if k in df.columns else [None] * len(df))
            for k in ("id", "customer", "project", "owner", "change", "change_text", "from_value", "to_value")}
    order = {k: i for i, (k, _, _) in enumerate(KINDS)}
    recs = [{k: S.clean(v[i]) for k, v in cols.items()} | {"_i": i} for i in range(len(df))]
    recs.sort(key=lambda r: (order.get(str(r["change"]), len(order)), str(r["id"] or ""), r["_i"]))
    return recs


def _shown(ctx: Ctx, v: object) -> object:
    """A stage key shows as the stage's name, a light key as the light's word; others as they are."""
    if v in S.LIGHTS:
        return S.light_label(str(v), ctx.lang)
    if isinstance(v, str):
        try:
            return ctx.tables.pipeline.stage(v).name(ctx.lang)  # type: ignore[arg-type]
        except KeyError:
            return v
    return v


def _value_cell(v: object) -> Cell:

    if isinstance(v, dt.date):
        return Cell(v, S.DATE)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Cell(v, S.MONEY)
    return Cell(v, S.TEXT)


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("changes", lang)
    recs = change_records(ctx)
    counts = {k: 0 for k, _, _ in KINDS}
    for r in recs:
        counts[str(r["change"])] = counts.get(str(r["change"]), 0) + 1
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    rows.append([Cell(label, S.HEADER) for _, label in
                 [(k, kind_label(k, lang)) for k, _, _ in KINDS]])
    rows.append([Cell(counts[k], _count_style(k) if counts[k] else ZERO) for k, _, _ in KINDS])
    base = (ctx.results.kpis.get("changes") or {}).get("baseline")
    rows.append([Cell(pick(lang, "对比基准：{d} 的快照（至少 7 天前的最近一次）",
                           "Compared with the snapshot of {d} (the latest at least 7 days old)", d=base)
                      if base else pick(lang, "还没有至少 7 天前的快照：下周起显示变化。",
                                        "No snapshot at least 7 days old yet: changes show from next week."),
                      S.NOTE)])
    rows.append(S.header(_labels(lang)))
    for r in recs[:MAX_ROWS]:
        rows.append([
            S.cell(kind_label(str(r["change"]), lang), _kind_style(str(r["change"]))),
            S.cell(r["id"], S.LINK, ctx.project_link(r["id"])),
            S.cell(r["customer"]), S.cell(r["project"]), S.cell(r["owner"]),
            _value_cell(_shown(ctx, r["from_value"])), _value_cell(_shown(ctx, r["to_value"])),
            S.cell(r["change_text"]),
        ])
    if not recs:
        rows.append([Cell(pick(lang, "与一周前的快照相比没有变化（或还没有一周前的快照）。",
                               "No changes against the snapshot of a week ago (or no such snapshot yet)."),
                          S.NOTE)])
    hidden = len(recs) - MAX_ROWS
    if hidden > 0:
        rows.append(S.overflow_note(hidden, lang, "另有 {n} 条变化未列出（上方计数包含全部）",
                                    "{n} more changes not shown (the counts above include them all)"))
    return SheetWrite(key="changes", name=name, rows=rows,
                      col_widths={i + 1: w for i, w in enumerate(WIDTHS)}, freeze=(HEADER_ROW, 0))


def _kind_style(kind: str):
    if kind in ("won", "advanced", "new"):
        return S.light_style("green")
    if kind in ("lost", "newly_red", "moved_back"):
        return S.light_style("red")
    if kind in ("slipped",):
        return S.light_style("yellow")
    return S.TEXT


def _count_style(kind: str):
    st = _kind_style(kind)
    return st if st is not S.TEXT else S.Style(border=True, bold=True, halign="center")
