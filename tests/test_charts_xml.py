"""Chart and drawing parts: structure, caches, element order, and LibreOffice really drawing them."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.support import libreoffice as lo
from tests.support.mini_xlsx import write_xlsx
from xltrack.backends.file.charts import chart_xml, drawing_xml
from xltrack.plan import Cell, Chart, Series, SheetWrite

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
NS = {"c": C[1:-1], "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _series(name="金额", col="B", color="4472C4", hidden=False, vals=(5.0, 12.5, None)):
    n = len(vals)
    return Series(name=name, categories=f"'看板'!$A$2:$A${n + 1}", values=f"'看板'!${col}$2:${col}${n + 1}",
                  color=color, hidden=hidden, cat_cache=[f"阶段{i}" for i in range(n)], val_cache=list(vals))


def _parse(b: bytes):
    assert b.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    return etree.fromstring(b)


def test_series_carry_formulas_and_caches():
    chart = Chart(kind="bar", title="各阶段 <金额> & 数", anchor="B12",
                  series=[_series(), _series("加权", "C", "9DC3E6", vals=(1.0, 2.0, 3.0))])
    root = _parse(chart_xml(chart, "看板"))
    assert root.xpath("string(//c:title//a:t)", namespaces=NS) == "各阶段 <金额> & 数"
    sers = root.xpath("//c:ser", namespaces=NS)
    assert len(sers) == 2
    s0 = sers[0]
    assert s0.xpath("string(c:tx/c:v)", namespaces=NS) == "金额"
    assert s0.xpath("string(c:cat/c:strRef/c:f)", namespaces=NS) == "'看板'!$A$2:$A$4"
    assert s0.xpath("string(c:val/c:numRef/c:f)", namespaces=NS) == "'看板'!$B$2:$B$4"
    assert s0.xpath("c:cat//c:pt/c:v/text()", namespaces=NS) == ["阶段0", "阶段1", "阶段2"]
    assert s0.xpath("string(c:val//c:ptCount/@val)", namespaces=NS) == "3"
    # a missing value is a gap: no point, but the count still says 3
    assert s0.xpath("c:val//c:pt/@idx", namespaces=NS) == ["0", "1"]
    assert s0.xpath("c:val//c:pt/c:v/text()", namespaces=NS) == ["5", "12.5"]
    assert s0.xpath("string(c:spPr//a:srgbClr/@val)", namespaces=NS) == "4472C4"
    assert root.xpath("string(//c:barDir/@val)", namespaces=NS) == "bar"
    assert root.xpath("string(//c:grouping/@val)", namespaces=NS) == "clustered"
    assert not root.xpath("//c:overlap", namespaces=NS)


@pytest.mark.parametrize("kind,plot", [("bar", "barChart"), ("column", "barChart"),
                                       ("line", "lineChart"), ("pie", "pieChart")])
def test_each_kind(kind, plot):
    chart = Chart(kind=kind, title="t", anchor="A1", stacked=kind in ("bar", "column"), series=[_series()])
    root = _parse(chart_xml(chart, "看板"))
    assert root.xpath(f"count(//c:{plot})", namespaces=NS) == 1
    if kind == "pie":
        assert not root.xpath("//c:catAx", namespaces=NS)
    else:
        ids = root.xpath(f"//c:{plot}/c:axId/@val", namespaces=NS)
        assert ids == root.xpath("//c:catAx/c:axId/@val | //c:valAx/c:axId/@val", namespaces=NS)
    if kind in ("bar", "column"):
        assert root.xpath("string(//c:barDir/@val)", namespaces=NS) == ("bar" if kind == "bar" else "col")
        assert root.xpath("string(//c:grouping/@val)", namespaces=NS) == "stacked"
        assert root.xpath("string(//c:overlap/@val)", namespaces=NS) == "100"


def test_funnel_padding_series_is_invisible_and_unlabelled():
    chart = Chart(kind="bar", title="漏斗", anchor="A1", stacked=True, reverse_categories=True,
                  data_labels=True, number_format="#,##0",
                  series=[_series("pad", "C", None, hidden=True), _series()])
    root = _parse(chart_xml(chart, "看板"))
    pad, amt = root.xpath("//c:ser", namespaces=NS)
    assert pad.xpath("c:spPr/a:noFill", namespaces=NS) and not pad.xpath("c:dLbls", namespaces=NS)
    assert amt.xpath("string(c:dLbls/c:showVal/@val)", namespaces=NS) == "1"
    assert root.xpath("//c:legend/c:legendEntry[c:idx/@val='0']/c:delete/@val", namespaces=NS) == ["1"]
    assert root.xpath("string(//c:catAx/c:scaling/c:orientation/@val)", namespaces=NS) == "maxMin"
    assert root.xpath("string(//c:valAx/c:delete/@val)", namespaces=NS) == "1"


def test_drawing_anchors_each_chart_at_its_cell():
    a = Chart(kind="bar", title="a", anchor="A12", width_cols=5, height_rows=18)
    b = Chart(kind="column", title="b", anchor="AB31", width_cols=4, height_rows=10)
    root = _parse(drawing_xml([(a, "rId1"), (b, "rId7")]))
    anchors = root.xpath("//xdr:twoCellAnchor", namespaces=NS)
    assert len(anchors) == 2

    def pos(anc, tag):
        return tuple(int(anc.xpath(f"string(xdr:{tag}/xdr:{k})", namespaces=NS)) for k in ("col", "row"))
    assert pos(anchors[0], "from") == (0, 11) and pos(anchors[0], "to") == (5, 29)
    assert pos(anchors[1], "from") == (27, 30) and pos(anchors[1], "to") == (31, 40)
    assert root.xpath("//c:chart/@r:id", namespaces=NS) == ["rId1", "rId7"]
    ids = root.xpath("//xdr:cNvPr/@id", namespaces=NS)
    assert len(set(ids)) == 2


def _child_orders(root) -> dict[str, list[str]]:
    """parent local name -> its children's local names, for the elements whose order Excel checks."""
    out: dict[str, list[str]] = {}
    for tag in ("chartSpace", "chart", "barChart", "ser", "catAx", "valAx", "dLbls", "legend"):
        for el in root.iter(C + tag):
            out.setdefault(tag, [etree.QName(ch).localname for ch in el])
    return out


def _xlsxwriter_chart() -> bytes:
    xlsxwriter = __import__("xlsxwriter")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("S")
    ws.write_column("A1", ["a", "b"])
    ws.write_column("B1", [1, 2])
    ch = wb.add_chart({"type": "bar", "subtype": "stacked"})
    ch.add_series({"name": "n", "categories": "=S!$A$1:$A$2", "values": "=S!$B$1:$B$2",
                   "fill": {"color": "#4472C4"}, "data_labels": {"value": True, "position": "center",
                                                                 "num_format": "#,##0"}})
    ch.set_title({"name": "t"})
    ch.set_y_axis({"reverse": True, "major_gridlines": {"visible": True}})
    ch.set_legend({"position": "bottom", "delete_series": [0]})
    ws.insert_chart("D2", ch)
    wb.close()
    with zipfile.ZipFile(buf) as z:
        return z.read("xl/charts/chart1.xml")


def test_element_order_agrees_with_xlsxwriter():
    """Excel rejects out-of-order children; XlsxWriter's output is a trusted witness of the order."""
    ours = _child_orders(_parse(chart_xml(Chart(
        kind="bar", title="t", anchor="A1", stacked=True, reverse_categories=True, data_labels=True,
        number_format="#,##0", gap_width=20, series=[_series("p", hidden=True), _series()]), "S")))
    theirs = _child_orders(etree.fromstring(_xlsxwriter_chart()))
    for parent, ref in theirs.items():
        common = [t for t in ours.get(parent, []) if t in ref]
        ranks = [ref.index(t) for t in common]
        assert ranks == sorted(ranks), f"children of c:{parent} out of order: {ours[parent]} vs {ref}"


def test_libreoffice_draws_the_charts(tmp_path: Path):
    rows = [[Cell("阶段"), Cell("金额")]] + [[Cell(f"第{i}阶段"), Cell(float(i * 100))] for i in range(1, 5)]
    ser = Series(name="金额", categories="'图表'!$A$2:$A$5", values="'图表'!$B$2:$B$5", color="4472C4",
                 cat_cache=[f"第{i}阶段" for i in range(1, 5)], val_cache=[100.0, 200.0, 300.0, 400.0])
    sw = SheetWrite(key="dashboard", name="图表", rows=rows, charts=[
        Chart(kind="column", title="柱状图标题ZQX", anchor="D2", series=[ser]),
        Chart(kind="line", title="折线图标题WJK", anchor="D20", series=[ser]),
    ])
    pdf = lo.convert(write_xlsx(tmp_path / "c.xlsx", [sw]), "pdf", tmp_path)
    text = "".join(lo.pdf_text(pdf).split())     # pdftotext spaces out mixed CJK/Latin text
    assert "柱状图标题ZQX" in text and "折线图标题WJK" in text   # chart titles only exist in the charts
    assert text.count("第3阶段") >= 3                             # the cell + an axis label per chart


def test_openpyxl_reads_every_kind_back(tmp_path: Path):
    """A second, schema-typed reader: openpyxl's chart parser (warnings are errors here)."""
    import warnings

    import openpyxl

    rows = [[Cell("阶段"), Cell("金额"), Cell("加权")]] + [[Cell(f"s{i}"), Cell(float(i)), Cell(i / 2)]
                                                        for i in range(1, 5)]

    def ser(col, name):
        return Series(name=name, categories="'图表'!$A$2:$A$5", values=f"'图表'!${col}$2:${col}$5",
                      color="4472C4", cat_cache=[f"s{i}" for i in range(1, 5)],
                      val_cache=[float(i) for i in range(1, 5)])
    charts = [Chart(kind=k, title=k, anchor=f"E{2 + 18 * i}", stacked=k == "bar", data_labels=True,
                    reverse_categories=k == "bar", number_format="#,##0",
                    series=[ser("B", "金额")] + ([ser("C", "加权")] if k != "pie" else []))
              for i, k in enumerate(["bar", "column", "line", "pie"])]
    path = write_xlsx(tmp_path / "k.xlsx", [SheetWrite(key="dashboard", name="图表", rows=rows, charts=charts)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ws = openpyxl.load_workbook(path)["图表"]
    got = [(type(c).__name__, len(c.series)) for c in ws._charts]
    assert got == [("BarChart", 2), ("BarChart", 2), ("LineChart", 2), ("PieChart", 1)]
    assert ws._charts[0].series[1].val.numRef.f == "'图表'!$C$2:$C$5"
    assert ws._charts[0].grouping == "stacked" and ws._charts[1].type == "col"
