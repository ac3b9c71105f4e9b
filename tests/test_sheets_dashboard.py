"""看板: KPI tiles equal the KPI figures; every chart series points at cells that hold its cache."""
from __future__ import annotations

import pandas as pd

from tests.support.sheet_grid import range_values, value
from tests.support.sheets_case import PAYMENTS, PROJECTS, kpis, make_case
from xltrack.sheets import dashboard
from xltrack.sheets.context import make_ctx


def _dash(lang="zh", **kw):
    t, r = make_case(lang, **kw)
    return dashboard.build(make_ctx(t, r))


def test_tiles_hold_the_kpi_figures():
    sw = _dash()
    k = kpis()
    assert sw.name == "看板"
    # row 4 labels / row 5 values / row 6 sub-lines; tiles every two columns (A, C, E, G, I)
    labels = [value(sw, f"{c}4") for c in "ACEGI"] + [value(sw, f"{c}8") for c in "ACEGI"]
    values = [value(sw, f"{c}5") for c in "ACEGI"] + [value(sw, f"{c}9") for c in "ACEGI"]
    assert labels == ["进行中金额", "加权金额", "本月赢单", "赢率", "平均成交周期",
                      "红灯项目", "黄灯项目", "本月计划回款", "逾期回款", "数据错误"]
    assert values == [k["totals"]["open_amount"], k["totals"]["weighted_amount"], k["period"]["won_amount"],
                      k["totals"]["win_rate"], k["totals"]["avg_cycle_days"], 2, 1,
                      k["collections"]["month"]["planned"], k["collections"]["overdue_amount"], 1]
    # independently: open amount and weighted from the six hand-made projects
    open_rows = [p for p in PROJECTS if p[4] not in ("won", "lost", "hold")]
    assert values[0] == sum(p[5] for p in open_rows)
    assert value(sw, "A6") == "4 个项目"
    assert "A4:B4" in sw.merges and "I10:J10" in sw.merges
    red_tile = sw.rows[8][0]
    assert red_tile.style.fill == "FFC7CE" and red_tile.link == "#'风险清单'!A1"
    assert sw.rows[8][8].link == "#'数据问题'!A1"
    assert sw.rows[4][6].style.num_format == "0%"


def test_missing_kpis_show_empty_tiles_not_zero():
    sw = _dash(kpi={})
    assert value(sw, "A5") is None and value(sw, "G5") is None


def test_each_series_refers_to_cells_holding_its_cache():
    sw = _dash()
    assert [c.kind for c in sw.charts] == ["bar", "bar", "column", "column"]
    for chart in sw.charts:
        assert chart.series
        for s in chart.series:
            cats = range_values(sw, s.categories)
            vals = range_values(sw, s.values)
            assert cats == s.cat_cache and len(cats) > 0
            assert vals == s.val_cache
            assert all(isinstance(v, float) for v in vals)
    # charts sit on the dashboard's left, data blocks from column M: no overlap with tiles
    assert [c.anchor for c in sw.charts] == ["A12", "F12", "A31", "F31"]


def test_funnel_data_is_open_stages_centred():
    sw = _dash()
    funnel = sw.charts[0]
    pad, amount = funnel.series
    assert pad.hidden and not amount.hidden and funnel.stacked and funnel.reverse_categories
    assert amount.cat_cache == ["线索获取", "需求挖掘", "方案制定", "商务洽谈"]
    assert amount.val_cache == [50_000.0, 120_000.0, 300_000.0, 800_000.0]
    assert pad.val_cache == [(800_000 - a) / 2 for a in amount.val_cache]


def test_owner_by_light_sums_open_amounts():
    sw = _dash()
    red, yellow, green = sw.charts[1].series
    assert [s.color for s in (red, yellow, green)] == ["E06666", "F1C232", "6AA84F"]
    want: dict[str, list[float]] = {}
    for p in PROJECTS:
        if p[4] in ("won", "lost", "hold"):
            continue
        want.setdefault(p[3], [0.0, 0.0, 0.0])[("red", "yellow", "green").index(p[6])] += p[5]
    got = {o: [red.val_cache[i], yellow.val_cache[i], green.val_cache[i]] for i, o in enumerate(red.cat_cache)}
    assert got == want
    assert red.cat_cache == ["张三", "李四"]          # larger open amount first


def test_owner_chart_is_bounded_with_fifty_owners():
    projects = [(f"P-{i:03d}", "c", "p", f"销售{i:02d}", "proposal", float(1000 * (i + 1)),
                 "red" if i % 2 else "green", [], 1.0, 1.0, None, pd.NaT) for i in range(50)]
    sw = _dash(projects=projects, payments=[], issues=[])
    red, yellow, green = sw.charts[1].series
    assert len(red.cat_cache) == dashboard.TOP_OWNERS + 1
    assert red.cat_cache[0] == "销售49" and red.cat_cache[-1] == "其他 38 人"
    total = sum(red.val_cache) + sum(yellow.val_cache) + sum(green.val_cache)
    assert total == sum(p[5] for p in projects)       # nothing dropped, only summed


def test_forecast_buckets_and_collections_by_month():
    sw = _dash()
    amt, w = sw.charts[2].series
    assert amt.cat_cache[0] == "已逾期" and amt.cat_cache[-1] == "更晚"  # close dates already passed
    assert amt.cat_cache[1:13] == ["2026-11", "2026-12"] + [f"2027-{m:02d}" for m in range(1, 11)]
    assert amt.val_cache[0] == 50_000 and amt.val_cache[2] == 1_100_000 and amt.val_cache[-1] == 120_000
    assert w.val_cache[2] == 750_000
    planned, got = sw.charts[3].series
    assert planned.cat_cache[0] == "2026-06" and planned.cat_cache[-1] == "2027-05"
    by_month: dict[str, list[float]] = {}
    for p in PAYMENTS:
        m = f"{p[2].year}-{p[2].month:02d}"
        by_month.setdefault(m, [0.0, 0.0])[0] += p[3]
        if not pd.isna(p[4]):
            by_month.setdefault(f"{p[4].year}-{p[4].month:02d}", [0.0, 0.0])[1] += p[5]
    for i, m in enumerate(planned.cat_cache):
        assert [planned.val_cache[i], got.val_cache[i]] == by_month.get(m, [0.0, 0.0]), m


def test_english_dashboard():
    sw = _dash("en")
    assert sw.name == "Dashboard"
    assert value(sw, "A4") == "Open pipeline" and value(sw, "E4") == "Won this month"
    assert sw.charts[0].title == "Pipeline by stage (funnel)"
    assert sw.charts[0].series[1].values.startswith("'Dashboard'!$N$")
