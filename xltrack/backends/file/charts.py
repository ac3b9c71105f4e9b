"""Chart and drawing parts (DrawingML) for the native charts on owned sheets.

``chart_xml`` writes one ``xl/charts/chartN.xml`` (a ``c:chartSpace``); ``drawing_xml`` writes the
``xl/drawings/drawingN.xml`` that places the sheet's charts. The package plumbing (relationships,
content types, the sheet's ``<drawing r:id>``) belongs to :mod:`xltrack.backends.file.package`.

Why hand-written strings rather than XlsxWriter or openpyxl: both build a whole new workbook,
while a refresh rewrites a few parts of the user's package in place; the chart part is small and
fixed in shape, and writing it directly keeps element order exactly as the schema
(ECMA-376 Part 1, dml-chart.xsd) requires, which Excel is strict about. Each series carries both
its formula (``c:f``: Excel redraws from the cells) and a cache (``c:strCache``/``c:numCache``:
mail previews and viewers that do not recalculate still show the chart). Checked by opening the
parts in LibreOffice headless (tests/test_charts_xml.py).
"""
from __future__ import annotations

from ...plan import Chart, Series
from .xmlutil import esc

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CAT_AX, VAL_AX = 50010001, 50010002
SLANT_FROM = 8          # more categories than this on a column/line chart: slanted labels


def _num(v: float) -> str:
    """Shortest exact text of a number (no "1e+06" surprises: Excel reads both, humans one)."""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def _rich(text: str, size: int, bold: bool) -> str:
    b = ' b="1"' if bold else ' b="0"'
    return (f'<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"{b}/></a:pPr>'
            f'<a:r><a:rPr lang="zh-CN" sz="{size}"{b}/><a:t>{esc(text)}</a:t></a:r></a:p></c:rich>')


def _title(text: str) -> str:
    return f'<c:title><c:tx>{_rich(text, 1200, True)}</c:tx><c:overlay val="0"/></c:title>'


def _sppr(color: str | None, hidden: bool, line: bool) -> str:
    if hidden:
        return '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
    if color is None:
        return ""
    if line:
        return (f'<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
                f'<a:round/></a:ln></c:spPr>')
    return f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr>'


def _str_ref(formula: str, cache: list[str]) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{esc(str(v))}</c:v></c:pt>' for i, v in enumerate(cache))
    return (f'<c:strRef><c:f>{esc(formula)}</c:f><c:strCache><c:ptCount val="{len(cache)}"/>{pts}'
            f'</c:strCache></c:strRef>')


def _num_ref(formula: str, cache: list[float | None], fmt: str) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{_num(v)}</c:v></c:pt>'
                  for i, v in enumerate(cache) if v is not None)
    return (f'<c:numRef><c:f>{esc(formula)}</c:f><c:numCache><c:formatCode>{esc(fmt)}</c:formatCode>'
            f'<c:ptCount val="{len(cache)}"/>{pts}</c:numCache></c:numRef>')


def _dlbls(chart: Chart, s: Series) -> str:
    if not chart.data_labels or s.hidden:
        return ""
    fmt = (f'<c:numFmt formatCode="{esc(chart.number_format)}" sourceLinked="0"/>'
           if chart.number_format else "")
    pos = '<c:dLblPos val="ctr"/>' if chart.kind in ("bar", "column") else ""
    return (f'<c:dLbls>{fmt}<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{pos}'
            '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
            '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')


def _series(chart: Chart, s: Series, i: int) -> str:
    """One ``c:ser``; child order per CT_BarSer / CT_LineSer / CT_PieSer."""
    fmt = chart.number_format or "General"
    out = [f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>',
           f'<c:tx><c:v>{esc(s.name)}</c:v></c:tx>',
           _sppr(s.color, s.hidden, chart.kind == "line")]
    if chart.kind in ("bar", "column"):
        out.append('<c:invertIfNegative val="0"/>')
    if chart.kind == "line":
        out.append('<c:marker><c:symbol val="none"/></c:marker>')
    out.append(_dlbls(chart, s))
    out.append(f"<c:cat>{_str_ref(s.categories, s.cat_cache)}</c:cat>")
    out.append(f"<c:val>{_num_ref(s.values, s.val_cache, fmt)}</c:val>")
    if chart.kind == "line":
        out.append('<c:smooth val="0"/>')
    out.append("</c:ser>")
    return "".join(out)


def _plot(chart: Chart) -> str:
    sers = "".join(_series(chart, s, i) for i, s in enumerate(chart.series))
    axes = f'<c:axId val="{CAT_AX}"/><c:axId val="{VAL_AX}"/>'
    if chart.kind in ("bar", "column"):
        grouping = "stacked" if chart.stacked else "clustered"
        gap = f'<c:gapWidth val="{chart.gap_width if chart.gap_width is not None else 150}"/>'
        overlap = '<c:overlap val="100"/>' if chart.stacked else ""
        return (f'<c:barChart><c:barDir val="{"bar" if chart.kind == "bar" else "col"}"/>'
                f'<c:grouping val="{grouping}"/><c:varyColors val="0"/>{sers}{gap}{overlap}{axes}</c:barChart>')
    if chart.kind == "line":
        grouping = "stacked" if chart.stacked else "standard"
        return (f'<c:lineChart><c:grouping val="{grouping}"/><c:varyColors val="0"/>{sers}'
                f'<c:marker val="1"/>{axes}</c:lineChart>')
    return f'<c:pieChart><c:varyColors val="1"/>{sers}<c:firstSliceAng val="0"/></c:pieChart>'


def _small_text(degrees: int) -> str:
    rot = f' rot="{degrees * 60000}" vert="horz"' if degrees else ""
    return (f'<c:txPr><a:bodyPr{rot}/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr>'
            '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def _axes(chart: Chart) -> str:
    if chart.kind == "pie":
        return ""
    horizontal = chart.kind == "bar"
    cat_pos, val_pos = ("l", "b") if horizontal else ("b", "l")
    orient = "maxMin" if chart.reverse_categories else "minMax"
    # With the categories reversed the value axis would jump to the top; "max" keeps it below.
    crosses = "max" if chart.reverse_categories else "autoZero"
    fmt = chart.number_format or "General"
    small = _small_text(0)
    # Many categories under a column chart (12 months) do not fit side by side: slant them
    # rather than let the viewer wrap "2026-11" over two lines.
    n_cats = max((len(s.cat_cache) for s in chart.series), default=0)
    cat_text = _small_text(-45) if chart.kind in ("column", "line") and n_cats > SLANT_FROM else small
    # A funnel (a hidden padding series centres the bars) has no meaningful value scale: its
    # value axis and gridlines are hidden and the data labels carry the numbers.
    funnel = any(s.hidden for s in chart.series)
    grid = "" if funnel else '<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
    cat = (f'<c:catAx><c:axId val="{CAT_AX}"/><c:scaling><c:orientation val="{orient}"/></c:scaling>'
           f'<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/>'
           f'<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{cat_text}'
           f'<c:crossAx val="{VAL_AX}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
           f'<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>')
    val = (f'<c:valAx><c:axId val="{VAL_AX}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
           f'<c:delete val="{int(funnel)}"/><c:axPos val="{val_pos}"/>{grid}'
           f'<c:numFmt formatCode="{esc(fmt)}" sourceLinked="0"/>'
           f'<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{small}'
           f'<c:crossAx val="{CAT_AX}"/><c:crosses val="{crosses}"/><c:crossBetween val="between"/></c:valAx>')
    return cat + val


def _legend(chart: Chart) -> str:
    if not chart.legend:
        return ""
    hidden = "".join(f'<c:legendEntry><c:idx val="{i}"/><c:delete val="1"/></c:legendEntry>'
                     for i, s in enumerate(chart.series) if s.hidden)
    return f'<c:legend><c:legendPos val="b"/>{hidden}<c:overlay val="0"/></c:legend>'


def chart_xml(chart: Chart, sheet_name: str) -> bytes:
    """The ``xl/charts/chartN.xml`` part of one chart placed on ``sheet_name``.

    ``sheet_name`` is not needed by the XML itself (series formulas already name their sheets);
    it is accepted so a future chart can default its ranges to its own sheet.
    """
    del sheet_name
    body = (f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
            '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
            f'<c:chart>{_title(chart.title)}<c:autoTitleDeleted val="0"/>'
            f'<c:plotArea><c:layout/>{_plot(chart)}{_axes(chart)}</c:plotArea>'
            f'{_legend(chart)}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
            '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
            '<a:ln w="9525"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr>'
            '</c:chartSpace>')
    return (DECL + body).encode("utf-8")


def _cell_ref(ref: str) -> tuple[int, int]:
    """"B12" → (0-based col, 0-based row)."""
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = "".join(ch for ch in ref if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1, int(digits) - 1


def _marker(tag: str, col: int, row: int) -> str:
    return (f'<xdr:{tag}><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>'
            f'<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:{tag}>')


def drawing_xml(items: list[tuple[Chart, str]]) -> bytes:
    """The ``xl/drawings/drawingN.xml`` part: one two-cell anchor per (chart, relationship id).

    Each chart spans ``width_cols`` × ``height_rows`` cells from its ``anchor``, so it moves and
    sizes with the cells (column widths set by the sheet decide its size in pixels).
    """
    anchors = []
    for n, (chart, rid) in enumerate(items, start=1):
        col, row = _cell_ref(chart.anchor)
        anchors.append(
            '<xdr:twoCellAnchor editAs="oneCell">'
            + _marker("from", col, row) + _marker("to", col + chart.width_cols, row + chart.height_rows)
            + '<xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{n + 1}" name="Chart {n}" '
            f'descr="{esc(chart.title)}"/><xdr:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/>'
            '</xdr:cNvGraphicFramePr></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{NS_C}">'
            f'<c:chart xmlns:c="{NS_C}" xmlns:r="{NS_R}" r:id="{esc(rid)}"/>'
            '</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>')
    body = f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">{"".join(anchors)}</xdr:wsDr>'
    return (DECL + body).encode("utf-8")
