"""看板 Dashboard: KPI tiles and four native charts, for looking rather than reading.

Layout (columns A–J, 13 wide each):

* rows 1–3: title, as-of date and the do-not-edit notice;
* rows 4–6 and 8–10: ten tiles (label, value, a small line under it), each two columns merged;
* from row 12: four charts in a 2 × 2 grid — pipeline by stage (a funnel: stacked horizontal bar
  whose first, invisible series centres each bar), open pipeline by owner split by light
  (stacked), forecast by expected-close month (amount and weighted), collections planned vs
  collected by month;
* from M12: the chart data blocks. Each chart's series refer to these cells, so Excel
  redraws from them, and carry the same values as caches for viewers that do not recalculate.

Every block is bounded: owners beyond the top ``TOP_OWNERS`` by open amount are summed into one
"others" bar; forecast months outside the next 12 go into "earlier"/"later" buckets; the
collections chart shows the 12 months around the as-of month.
"""
from __future__ import annotations

import datetime as dt

from ..i18n import pick
from ..plan import Cell, Chart, Series, SheetWrite, Style
from . import kpis as K
from . import style as S
from .collections import payment_records
from .context import Ctx
from .funnel import stage_rows

TOP_OWNERS = 12
DATA_COL = 13                    # column M
DATA_TOP = 12                    # below the tiles, so the blocks keep plain row heights
TILE_LABEL = Style(fill=S.TILE_FILL, font_color=S.MUTED, halign="center", border=True)
TILE_SUB = Style(fill=S.TILE_FILL, font_color=S.MUTED, font_size=9, halign="center", border=True)
MONEY_FMT = S.FORMATS["money_whole"]
BLUE, LIGHT_BLUE, GREY = "4472C4", "9DC3E6", "A5A5A5"
LIGHT_CHART = {"red": "E06666", "yellow": "F1C232", "green": "6AA84F"}   # saturated for bars


def _tile_value(fmt: str, fill: str | None = None) -> Style:
    return Style(bold=True, font_size=18, num_format=fmt, halign="center", border=True,
                 fill=fill or S.TILE_FILL)


def _period(p: str | None, lang: str) -> str:
    return {"week": pick(lang, "本周", "this week"), "month": pick(lang, "本月", "this month"),
            "quarter": pick(lang, "本季", "this quarter"),
            "year": pick(lang, "本年", "this year")}.get(p or "", pick(lang, "本期", "this period"))


def tiles(ctx: Ctx) -> list[tuple[str, float | None, str, str, str | None, str | None]]:
    """(label, value, number format, line under it, fill, sheet key the tile links to)."""
    lang, t, c = ctx.lang, K.totals(ctx.results.kpis), K.collections(ctx.results.kpis)
    n = lambda v: "" if v is None else f"{v:,.0f}"  # noqa: E731
    period = _period(t.period, lang)
    errors = ctx.tables.error_count
    red_fill = S.COLORS["red"]
    return [
        (pick(lang, "进行中金额", "Open pipeline"), t.open_amount, MONEY_FMT,
         pick(lang, "{n} 个项目", "{n} projects", n=n(t.open_count)), None, "funnel"),
        (pick(lang, "加权金额", "Weighted pipeline"), t.weighted, MONEY_FMT,
         pick(lang, "金额 × 赢率", "amount × probability"), None, "funnel"),
        (pick(lang, "{p}赢单", "Won {p}", p=period), t.period_won_amount, MONEY_FMT,
         pick(lang, "{n} 单", "{n} deals", n=n(t.period_won_count)), S.COLORS["green"], "by_owner"),
        (pick(lang, "赢率", "Win rate"), t.win_rate, S.FORMATS["percent"],
         pick(lang, "累计 赢 {w} / 输 {l}", "all time: won {w} / lost {l}", w=n(t.won_count), l=n(t.lost_count)),
         None, "by_owner"),
        (pick(lang, "平均成交周期", "Average cycle"), t.avg_cycle_days, pick(lang, '0" 天"', '0" days"'),
         pick(lang, "创建到赢单（累计）", "created to won, all time"), None, None),
        (pick(lang, "红灯项目", "Red projects"), t.red, "0",
         pick(lang, "见风险清单", "see Risk list"), S.COLORS["red"], "risk_list"),
        (pick(lang, "黄灯项目", "Yellow projects"), t.yellow, "0",
         pick(lang, "见风险清单", "see Risk list"), S.COLORS["yellow"], "risk_list"),
        (pick(lang, "本月计划回款", "Collections due this month"), c.planned_month, MONEY_FMT,
         pick(lang, "已回 {n}", "collected {n}", n=n(c.collected_month)), None, "collections"),
        (pick(lang, "逾期回款", "Overdue collections"), c.overdue_amount, MONEY_FMT,
         pick(lang, "{n} 笔", "{n} installments", n=n(c.overdue_count)),
         red_fill if (c.overdue_amount or 0) > 0 else None, "collections"),
        (pick(lang, "数据错误", "Data errors"), float(errors), "0",
         pick(lang, "见数据问题表", "see Issues"), red_fill if errors else S.COLORS["green"], "issues"),
    ]


def _tile_rows(ctx: Ctx, rows: list, merges: list[str]) -> None:
    """Two rows of five tiles; each tile is two merged columns × three rows (label, value, line)."""
    items = tiles(ctx)
    for block in (items[:5], items[5:]):
        top = len(rows) + 1
        lab, val, sub = [], [], []
        for i, (label, v, fmt, line, fill, target) in enumerate(block):
            a, b = S.col_letter(2 * i + 1), S.col_letter(2 * i + 2)
            merges.extend(f"{a}{top + r}:{b}{top + r}" for r in range(3))
            link = S.internal_link(S.sheet_name(target, ctx.lang), "A1") if target else None
            big = _tile_value(fmt, fill)
            lab += [Cell(label, TILE_LABEL), Cell(None, TILE_LABEL)]
            val += [Cell(v, big, link), Cell(None, big)]
            sub += [Cell(line, TILE_SUB), Cell(None, TILE_SUB)]
        rows += [lab, val, sub, []]


def _put(rows: list, r: int, c: int, cell: Cell) -> None:
    """Set ``rows[r-1][c-1]`` (1-based), growing the grid as needed."""
    while len(rows) < r:
        rows.append([])
    row = rows[r - 1]
    while len(row) < c:
        row.append(None)
    row[c - 1] = cell


def _block(rows: list, top: int, title: str, headers: list[str], data: list[list]) -> tuple[int, int, int]:
    """Write a chart data block at column M; returns (first data row, last data row, next free row)."""
    _put(rows, top, DATA_COL, Cell(title, S.SECTION))
    for j, h in enumerate(headers):
        _put(rows, top + 1, DATA_COL + j, Cell(h, S.HEADER))
    for i, rec in enumerate(data):
        for j, v in enumerate(rec):
            _put(rows, top + 2 + i, DATA_COL + j, Cell(v, S.TEXT if j == 0 else S.MONEY))
    first, last = top + 2, top + 1 + len(data)
    return first, last, last + 2


def _series(sheet: str, name: str, col: int, first: int, last: int, data: list[list], j: int,
            color: str | None, hidden: bool = False) -> Series:
    return Series(name=name, categories=S.abs_range(sheet, DATA_COL, first, last),
                  values=S.abs_range(sheet, col, first, last), color=color, hidden=hidden,
                  cat_cache=[str(r[0]) for r in data], val_cache=[S.number(r[j]) for r in data])


def _or_placeholder(data: list[list], width: int, lang: str) -> list[list]:
    return data or [[pick(lang, "（无数据）", "(no data)")] + [0.0] * (width - 1)]


def stage_data(ctx: Ctx) -> list[list]:
    """Open stages: [name, amount, padding] — padding centres the bar to draw a funnel."""
    rows = [r for r in stage_rows(ctx) if r["kind"] == "open"]
    amounts = [r["amount"] or 0.0 for r in rows]
    top = max(amounts, default=0.0)
    return [[r["name"], a, (top - a) / 2] for r, a in zip(rows, amounts)]


def owner_light_data(ctx: Ctx) -> list[list]:
    """[owner, red, yellow, green] open amount; top owners by open amount, the rest summed."""
    p = ctx.results.projects
    agg: dict[str, list[float]] = {}
    if len(p):
        for kind, owner, light, amt in zip(p["stage_kind"].tolist(), p["owner"].tolist(),
                                           p["light"].tolist(), p["amount"].tolist()):
            a = S.number(amt)
            if kind != "open" or a is None:
                continue
            o = S.clean(owner) or pick(ctx.lang, "（无负责人）", "(no owner)")
            v = agg.setdefault(str(o), [0.0, 0.0, 0.0])
            v[{"red": 0, "yellow": 1}.get(light, 2)] += a
    ranked = sorted(agg.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    out = [[o, *v] for o, v in ranked[:TOP_OWNERS]]
    rest = ranked[TOP_OWNERS:]
    if rest:
        out.append([pick(ctx.lang, "其他 {n} 人", "{n} others", n=len(rest)),
                    *[sum(v[i] for _, v in rest) for i in range(3)]])
    return out


def _month(d: dt.date, k: int) -> str:
    m = d.year * 12 + d.month - 1 + k
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def forecast_data(ctx: Ctx) -> list[list]:
    """[month, amount, weighted] for the as-of month and the 11 after it, plus earlier/later."""
    months = [_month(ctx.as_of, k) for k in range(12)]
    by = {m: [0.0, 0.0] for m in months}
    early, late = [0.0, 0.0], [0.0, 0.0]
    for m, amt, w in K.forecast(ctx.results.kpis):
        slot = by.get(m) or (early if m < months[0] else late)
        slot[0] += amt
        slot[1] += w
    out = [[pick(ctx.lang, "已逾期", "Overdue"), *early]] if any(early) else []
    out += [[m, *by[m]] for m in months]
    if any(late):
        out.append([pick(ctx.lang, "更晚", "Later"), *late])
    return out


def collections_data(ctx: Ctx) -> list[list]:
    """[month, planned, collected] for the 12 months from as-of − 5 to as-of + 6."""
    months = [_month(ctx.as_of, k) for k in range(-5, 7)]
    by = {m: [0.0, 0.0] for m in months}
    for r in payment_records(ctx):
        pd_, ad = r["planned_date"], r["actual_date"]
        if isinstance(pd_, dt.date) and (m := f"{pd_.year:04d}-{pd_.month:02d}") in by:
            by[m][0] += S.number(r["planned_amount"]) or 0.0
        if isinstance(ad, dt.date) and (m := f"{ad.year:04d}-{ad.month:02d}") in by:
            by[m][1] += S.number(r["collected_amount"]) or 0.0
    return [[m, *by[m]] for m in months]


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("dashboard", lang)
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    merges = ["A1:J1", "A2:J2"]
    _tile_rows(ctx, rows, merges)
    charts: list[Chart] = []

    _put(rows, DATA_TOP - 1, DATA_COL, Cell(pick(lang, "图表数据（看板图表引用这些单元格，自动生成）",
                                                 "Chart data (the charts refer to these cells; generated)"), S.NOTE))
    top = DATA_TOP
    data = _or_placeholder(stage_data(ctx), 3, lang)
    f, l, top = _block(rows, top, pick(lang, "按阶段（进行中）", "By stage (open)"),
                       [pick(lang, "阶段", "Stage"), pick(lang, "金额", "Amount"),
                        pick(lang, "居中辅助", "Centering")], data)
    charts.append(Chart(kind="bar", title=pick(lang, "各阶段金额（漏斗）", "Pipeline by stage (funnel)"),
                        anchor="A12", width_cols=5, height_rows=18, stacked=True,
                        reverse_categories=True, number_format=MONEY_FMT, legend=False,
                        data_labels=True, gap_width=20,
                        series=[_series(name, "pad", DATA_COL + 2, f, l, data, 2, None, hidden=True),
                                _series(name, pick(lang, "金额", "Amount"), DATA_COL + 1, f, l, data, 1, BLUE)]))

    data = _or_placeholder(owner_light_data(ctx), 4, lang)
    f, l, top = _block(rows, top, pick(lang, "负责人 × 状态灯（进行中金额）", "Owner × light (open amount)"),
                       [pick(lang, "负责人", "Owner")] + [S.light_label(x, lang) for x in S.LIGHTS], data)
    charts.append(Chart(kind="bar", title=pick(lang, "负责人进行中金额（按状态灯）", "Open pipeline by owner and light"),
                        anchor="F12", width_cols=5, height_rows=18, stacked=True, reverse_categories=True,
                        number_format=MONEY_FMT, gap_width=40,
                        series=[_series(name, S.light_label(x, lang), DATA_COL + 1 + j, f, l, data, 1 + j,
                                        LIGHT_CHART[x]) for j, x in enumerate(S.LIGHTS)]))

    data = forecast_data(ctx)
    f, l, top = _block(rows, top, pick(lang, "按预计成交月", "By expected-close month"),
                       [pick(lang, "月份", "Month"), pick(lang, "金额", "Amount"),
                        pick(lang, "加权金额", "Weighted")], data)
    charts.append(Chart(kind="column", title=pick(lang, "成交预测（按预计成交月）", "Forecast by expected-close month"),
                        anchor="A31", width_cols=5, height_rows=18, number_format=MONEY_FMT,
                        series=[_series(name, pick(lang, "金额", "Amount"), DATA_COL + 1, f, l, data, 1, LIGHT_BLUE),
                                _series(name, pick(lang, "加权金额", "Weighted"), DATA_COL + 2, f, l, data, 2, BLUE)]))

    data = collections_data(ctx)
    f, l, top = _block(rows, top, pick(lang, "回款按月", "Collections by month"),
                       [pick(lang, "月份", "Month"), pick(lang, "计划", "Planned"),
                        pick(lang, "已回款", "Collected")], data)
    charts.append(Chart(kind="column", title=pick(lang, "回款：计划与实际（按月）", "Collections: planned vs collected"),
                        anchor="F31", width_cols=5, height_rows=18, number_format=MONEY_FMT,
                        series=[_series(name, pick(lang, "计划", "Planned"), DATA_COL + 1, f, l, data, 1, GREY),
                                _series(name, pick(lang, "已回款", "Collected"), DATA_COL + 2, f, l, data, 2,
                                        LIGHT_CHART["green"])]))

    widths = {c: 13.0 for c in range(1, 11)}
    widths.update({11: 3.0, 12: 3.0, DATA_COL: 16.0, DATA_COL + 1: 14.0, DATA_COL + 2: 14.0,
                   DATA_COL + 3: 14.0})
    return SheetWrite(key="dashboard", name=name, rows=rows, col_widths=widths, merges=merges,
                      charts=charts, tab_color=S.COLORS["user_header"], row_heights={1: 24.0, 5: 30.0, 9: 30.0})
