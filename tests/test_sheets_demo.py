"""End to end on the demo workbook: init --demo → refresh → read the owned sheets back.

Checks the written workbook (not the plan): tile values against the KPI results, risk-list and
issue hyperlinks against the cells they point at, every chart range non-empty and equal to its
cache, a second refresh giving the same sheets, and LibreOffice drawing the dashboard.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support import libreoffice as lo

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    from xltrack.build.api import init
    from xltrack.refresh import refresh

    folder = tmp_path_factory.mktemp("demo")
    path = init(folder / "demo.xlsx", demo=True, as_of=AS_OF)
    res = refresh(path, as_of=AS_OF)
    return path, res


def _wb(path: Path):
    return openpyxl.load_workbook(path)


def test_dashboard_tiles_match_the_kpis(refreshed):
    path, res = refreshed
    ws = _wb(path)["看板"]
    t, c = res.results.kpis["totals"], res.results.kpis["collections"]
    assert ws["A4"].value == "进行中金额" and ws["A5"].value == pytest.approx(t["open_amount"])
    assert ws["C5"].value == pytest.approx(t["weighted_amount"])
    assert ws["E5"].value == pytest.approx(res.results.kpis["period"]["won_amount"])
    assert ws["A9"].value == t["red"] and ws["C9"].value == t["yellow"]
    assert ws["G9"].value == pytest.approx(c["overdue_amount"])
    # counted independently from the per-project lights
    lights = res.results.projects["light"].tolist()
    assert t["red"] == lights.count("red") > 0 and t["yellow"] == lights.count("yellow") > 0


def test_risk_list_links_point_at_the_projects_rows(refreshed):
    path, res = refreshed
    wb = _wb(path)
    risk, proj = wb["风险清单"], wb["项目跟踪"]
    n = 0
    for row in risk.iter_rows(min_row=6):
        idc = row[1]
        if idc.hyperlink is None:
            continue
        m = re.fullmatch(r"'?(.+?)'?!([A-Z]+)(\d+)", idc.hyperlink.location or idc.hyperlink.target.lstrip("#"))
        assert m and m.group(1) == "项目跟踪"
        assert proj[f"{m.group(2)}{m.group(3)}"].value == idc.value
        n += 1
    lights = res.results.projects["light"].tolist()
    assert n == lights.count("red") + lights.count("yellow")


def test_issue_links_point_at_their_cells(refreshed):
    path, res = refreshed
    ws = _wb(path)["数据问题"]
    links = [(r[1].value, r[2].value, r[2].hyperlink) for r in ws.iter_rows(min_row=6) if r[2].hyperlink]
    assert len(links) == len(res.tables.issues) > 0
    for sheet, cell, link in links:
        loc = link.location or link.target.lstrip("#")
        assert loc in (f"'{sheet}'!{cell}", f"{sheet}!{cell}")


def test_chart_ranges_are_non_empty_and_match_their_caches(refreshed):
    path, _ = refreshed
    wb = _wb(path)
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    from lxml import etree
    with zipfile.ZipFile(path) as z:
        charts = [etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4
    for root in charts:
        for f in root.xpath("//c:val/c:numRef", namespaces=ns):
            m = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", f.findtext("c:f", namespaces=ns))
            ws = wb[m.group(1)]
            cells = [ws[f"{m.group(2)}{r}"].value for r in range(int(m.group(3)), int(m.group(5)) + 1)]
            assert cells and all(isinstance(v, (int, float)) for v in cells)
            cache = [float(v) for v in f.xpath("c:numCache/c:pt/c:v/text()", namespaces=ns)]
            assert [float(v) for v in cells] == pytest.approx(cache)


def _owned_values(path: Path) -> dict:
    wb = _wb(path)
    keys = ["看板", "漏斗", "负责人", "风险清单", "本周变化", "回款", "数据问题", "历史"]
    return {k: [[c.value for c in row] for row in wb[k].iter_rows()] for k in keys}


def test_refreshing_again_gives_the_same_sheets(refreshed, tmp_path):
    """The first refresh assigns blank IDs (and reports it as issues); from then on a refresh on
    the same day rewrites every owned sheet identically."""
    from xltrack.refresh import refresh

    path, _ = refreshed
    second, third = tmp_path / "second.xlsx", tmp_path / "third.xlsx"
    shutil.copy(path, second)
    refresh(second, as_of=AS_OF)
    shutil.copy(second, third)
    refresh(third, as_of=AS_OF)
    assert _owned_values(third) == _owned_values(second)


def test_libreoffice_renders_the_dashboard(refreshed, tmp_path):
    path, res = refreshed
    fmt = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
    pdf = lo.convert(path, fmt, tmp_path)
    pages = lo.pdf_text(pdf).split("\f")
    dash = next(p for p in pages if p.lstrip().startswith("看板"))
    flat = "".join(dash.split())
    for label in ("进行中金额", "加权金额", "本月赢单", "赢率", "平均成交周期", "红灯项目", "黄灯项目",
                  "本月计划回款", "逾期回款", "各阶段金额（漏斗）", "负责人进行中金额（按状态灯）",
                  "成交预测（按预计成交月）", "回款：计划与实际（按月）"):
        assert label in flat, label
    assert f"{res.results.kpis['totals']['open_amount']:,.0f}" in flat


def test_funnel_and_leaderboard_match_the_kpis(refreshed):
    path, res = refreshed
    wb = _wb(path)
    k = res.results.kpis
    funnel = {r[0].value: [c.value for c in r] for r in wb["漏斗"].iter_rows(min_row=5) if r[1].value}
    for st in k["by_stage"]:
        row = funnel[st["name"]]
        assert row[2] == st["count"] and row[3] == pytest.approx(st["amount"] or 0)
        assert row[4] == pytest.approx(st["weighted_amount"] or 0)
    # counted independently from the per-project stages
    stages = res.results.projects["stage"].tolist()
    for st in k["by_stage"]:
        assert funnel[st["name"]][2] == stages.count(st["stage"])
    board = {r[1].value: [c.value for c in r] for r in wb["负责人"].iter_rows(min_row=6) if r[1].value}
    assert len(board) == len(k["by_owner"])
    for o in k["by_owner"]:
        row = board[o["owner"] if o["owner"] is not None else "未识别负责人"]
        assert row[2] == pytest.approx(o["points"] or 0) and row[5] == o["open_count"]
        assert row[4] == o["moves_back"]
    points = [r[2] for r, v in zip(board.values(), board) if v != "未识别负责人"]
    assert points == sorted(points, reverse=True)
