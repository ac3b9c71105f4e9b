"""回款 Collections: what is due this month, what is overdue, and by owner.

The month and quarter totals on top are the KPI figures (``kpis["collections"]``), so they agree
with ``xltrack report``. The lists come from the payment rows (Results.payments status and
outstanding amount next to the Payments sheet's own columns); each links to its payment row.
Each list is capped at ``MAX_ROWS`` rows with a visible "N more" line; the by-owner table is
never truncated (one row per owner, 50 owners is 50 rows).
"""
from __future__ import annotations

import datetime as dt

from ..i18n import pick
from ..plan import Cell, SheetWrite
from . import kpis as K
from . import style as S
from .context import Ctx

MAX_ROWS = 300
WIDTHS = [12, 22, 10, 12, 12, 14, 14, 10, 10]


def payment_records(ctx: Ctx) -> list[dict]:
    """Every payment row joined with its status and its project's owner and customer (computed
    once per build: the dashboard's collections chart uses the same records)."""
    if "payments" not in ctx.memo:
        ctx.memo["payments"] = _payment_records(ctx)
    return ctx.memo["payments"]  # type: ignore[return-value]


def _payment_records(ctx: Ctx) -> list[dict]:
    rp, tp = ctx.results.payments, ctx.tables.payments
    if not len(rp):
        return []
    tp = tp.reindex(rp.index)

    def col(df, k):
        return df[k].tolist() if k in df.columns else [None] * len(df)

    owner, customer = {}, {}
    pr, pt = ctx.results.projects, ctx.tables.projects
    if len(pr):
        pt = pt.reindex(pr.index)
        for pid, o, c in zip(col(pr, "id"), S.column(pr, "owner"), S.column(pt, "customer")):
            if pid is not None and str(pid) not in owner:
                owner[str(pid)], customer[str(pid)] = o, c
    # column by column (one pass per field, no per-row dict merging): 0.67 s → 0.2 s at 40k rows
    # amounts from the computed frame: a flagged amount (negative, not a number) is blank there,
    # so it stays out of every sum below
    cols = {k: S.column(rp, k) for k in ("project_id", "_row", "status", "status_text", "overdue_days",
                                          "outstanding", "planned_amount", "collected_amount")}
    cols |= {k: S.column(tp, k) for k in ("installment", "planned_date", "actual_date")}
    for k in ("planned_date", "actual_date"):
        cols[k] = [v.date() if isinstance(v, dt.datetime) else v for v in cols[k]]
    pids = [None if pid is None else str(pid) for pid in cols["project_id"]]
    cols["owner"] = [owner.get(pid) if pid is not None else None for pid in pids]
    cols["customer"] = [customer.get(pid) if pid is not None else None for pid in pids]
    keys = list(cols)
    return [dict(zip(keys, values)) for values in zip(*cols.values())]


def in_month(d: object, as_of: dt.date) -> bool:
    return isinstance(d, dt.date) and (d.year, d.month) == (as_of.year, as_of.month)


def due_this_month(recs: list[dict], as_of: dt.date) -> list[dict]:
    due = [r for r in recs if r["status"] != "collected" and in_month(r["planned_date"], as_of)]
    return sorted(due, key=lambda r: (r["planned_date"], str(r["project_id"] or "")))


def overdue(recs: list[dict]) -> list[dict]:
    od = [r for r in recs if r["status"] == "overdue"]
    return sorted(od, key=lambda r: (-(S.number(r["overdue_days"]) or 0), -(S.number(r["outstanding"]) or 0),
                                     str(r["project_id"] or "")))


def _labels(lang: str) -> list[str]:
    return (["项目编号", "客户名称", "负责人", "期次", "计划日期", "计划金额", "未回金额", "状态", "逾期天数"]
            if lang == "zh" else
            ["Project ID", "Customer", "Owner", "Installment", "Planned date", "Planned amount",
             "Outstanding", "Status", "Overdue days"])


def _payment_link(ctx: Ctx, row: object) -> str | None:
    info = ctx.tables.sheets.get("payments")
    if info is None or row is None:
        return None
    col = S.col_letter(info.columns.get("project_id", 1))
    return S.internal_link(info.name, f"{col}{int(row)}")


def _list(ctx: Ctx, rows: list, title: str, recs: list[dict]) -> None:
    lang = ctx.lang
    rows.append([Cell(title, S.SECTION)])
    rows.append(S.header(_labels(lang)))
    for r in recs[:MAX_ROWS]:
        st = S.light_style("red") if r["status"] == "overdue" else S.light_style("yellow")
        rows.append([S.cell(r["project_id"], S.LINK, _payment_link(ctx, r["_row"])),
                     S.cell(r["customer"]), S.cell(r["owner"]), S.cell(r["installment"]),
                     S.cell(r["planned_date"], S.DATE), S.cell(r["planned_amount"], S.MONEY),
                     S.cell(r["outstanding"], S.MONEY), S.cell(r["status_text"], st),
                     S.cell(r["overdue_days"], S.INT)])
    if not recs:
        rows.append([Cell(pick(lang, "无", "None"), S.NOTE)])
    if len(recs) > MAX_ROWS:
        rows.append(S.overflow_note(len(recs) - MAX_ROWS, lang, "另有 {n} 笔未列出，见回款计划表筛选",
                                    "{n} more not shown: filter the Payments sheet"))
    rows.append([])


def owner_table(recs: list[dict], as_of: dt.date) -> list[tuple]:
    """(owner, planned this month, collected this month, outstanding, overdue amount, overdue count),
    largest overdue amount first."""
    agg: dict[str, list[float]] = {}
    for r in recs:
        o = r["owner"] or ""
        a = agg.setdefault(o, [0.0, 0.0, 0.0, 0.0, 0])
        if in_month(r["planned_date"], as_of):
            a[0] += S.number(r["planned_amount"]) or 0.0
        if in_month(r["actual_date"], as_of):
            a[1] += S.number(r["collected_amount"]) or 0.0
        a[2] += S.number(r["outstanding"]) or 0.0
        if r["status"] == "overdue":
            a[3] += S.number(r["outstanding"]) or 0.0
            a[4] += 1
    return sorted(((o, *v) for o, v in agg.items()), key=lambda t: (-t[4], -t[3], t[0]))


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("collections", lang)
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    c = K.collections(ctx.results.kpis)
    tiles = [(pick(lang, "本月计划", "Planned this month"), c.planned_month),
             (pick(lang, "本月已回款", "Collected this month"), c.collected_month),
             (pick(lang, "本季计划", "Planned this quarter"), c.planned_quarter),
             (pick(lang, "本季已回款", "Collected this quarter"), c.collected_quarter),
             (pick(lang, "逾期金额", "Overdue amount"), c.overdue_amount)]
    rows.append([Cell(t, S.HEADER) for t, _ in tiles])
    rows.append([Cell(v, S.MONEY_BOLD) for _, v in tiles])
    rows.append([])
    recs = payment_records(ctx)
    _list(ctx, rows, pick(lang, "本月到期（未回款）", "Due this month (not yet collected)"),
          due_this_month(recs, ctx.as_of))
    _list(ctx, rows, pick(lang, "已逾期（逾期天数多的在前）", "Overdue (longest first)"), overdue(recs))
    rows.append([Cell(pick(lang, "按负责人", "By owner"), S.SECTION)])
    rows.append(S.header([pick(lang, "负责人", "Owner"), pick(lang, "本月计划", "Planned this month"),
                          pick(lang, "本月已回款", "Collected this month"), pick(lang, "未回金额", "Outstanding"),
                          pick(lang, "逾期金额", "Overdue amount"), pick(lang, "逾期笔数", "Overdue count")]))
    for o, planned, got, outst, od_amt, od_n in owner_table(recs, ctx.as_of):
        rows.append([S.cell(o or pick(lang, "（无负责人）", "(no owner)")), S.cell(planned, S.MONEY),
                     S.cell(got, S.MONEY), S.cell(outst, S.MONEY), S.cell(od_amt, S.MONEY),
                     S.cell(od_n, S.INT)])
    return SheetWrite(key="collections", name=name, rows=rows,
                      col_widths={i + 1: w for i, w in enumerate(WIDTHS)})
