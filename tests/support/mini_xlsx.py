"""A test-only packager: SheetWrites (values, merges, widths, charts) → a minimal .xlsx.

It exists to check the chart and drawing parts of :mod:`xltrack.backends.file.charts` in a real
spreadsheet application independently of the file backend: values only (inline strings, numbers,
dates as serials with a date format), no fills. Not for users.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from xltrack.backends.file.charts import chart_xml, drawing_xml
from xltrack.plan import SheetWrite

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


from xltrack.cellref import col_letter as _col  # noqa: E402


def _serial(d: dt.date) -> float:
    if isinstance(d, dt.datetime):
        return (d - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    return float((d - dt.date(1899, 12, 30)).days)


def _cell(ref: str, v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, dt.date):
        return f'<c r="{ref}" s="1"><v>{_serial(v)}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def _sheet(sw: SheetWrite, has_drawing: bool) -> str:
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
                   for c, w in sorted(sw.col_widths.items()))
    rows = []
    for r, row in enumerate(sw.rows, start=1):
        cells = "".join(_cell(f"{_col(c)}{r}", cell.value) for c, cell in enumerate(row, start=1) if cell)
        if cells:
            rows.append(f'<row r="{r}">{cells}</row>')
    merges = (f'<mergeCells count="{len(sw.merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in sw.merges)
              + "</mergeCells>") if sw.merges else ""
    drawing = '<drawing r:id="rId1"/>' if has_drawing else ""
    return (f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{R}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' + (f"<cols>{cols}</cols>" if cols else "")
            + f'<sheetData>{"".join(rows)}</sheetData>{merges}'
            + '<pageMargins left="0.3" right="0.3" top="0.3" bottom="0.3" header="0" footer="0"/>'
            + '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            + f"{drawing}</worksheet>")


STYLES = (f'{DECL}<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
          '</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
          '</fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_xlsx(path: Path, sheets: list[SheetWrite]) -> Path:
    """Write ``sheets`` (with their charts) as a minimal workbook at ``path``."""
    ct = [f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.spreadsheetml.sheet.main+xml"/>',
          f'<Override PartName="/xl/styles.xml" ContentType="{CT}.spreadsheetml.styles+xml"/>']
    wb_sheets, wb_rels, parts = [], [], {}
    chart_n = 0
    for i, sw in enumerate(sheets, start=1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  f'ContentType="{CT}.spreadsheetml.worksheet+xml"/>')
        wb_sheets.append(f'<sheet name={quoteattr(sw.name)} sheetId="{i}" r:id="rId{i}"/>')
        wb_rels.append(f'<Relationship Id="rId{i}" Type="{R}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet(sw, bool(sw.charts))
        if not sw.charts:
            continue
        parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
            f'{DECL}<Relationships xmlns="{PR}"><Relationship Id="rId1" Type="{R}/drawing" '
            f'Target="../drawings/drawing{i}.xml"/></Relationships>')
        ct.append(f'<Override PartName="/xl/drawings/drawing{i}.xml" ContentType="{CT}.drawing+xml"/>')
        items, drels = [], []
        for j, chart in enumerate(sw.charts, start=1):
            chart_n += 1
            items.append((chart, f"rId{j}"))
            drels.append(f'<Relationship Id="rId{j}" Type="{R}/chart" Target="../charts/chart{chart_n}.xml"/>')
            parts[f"xl/charts/chart{chart_n}.xml"] = chart_xml(chart, sw.name)
            ct.append(f'<Override PartName="/xl/charts/chart{chart_n}.xml" '
                      f'ContentType="{CT}.drawingml.chart+xml"/>')
        parts[f"xl/drawings/drawing{i}.xml"] = drawing_xml(items)
        parts[f"xl/drawings/_rels/drawing{i}.xml.rels"] = f'{DECL}<Relationships xmlns="{PR}">{"".join(drels)}</Relationships>'
    n = len(sheets)
    wb_rels.append(f'<Relationship Id="rId{n + 1}" Type="{R}/styles" Target="styles.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>' + "".join(ct) + "</Types>")
        z.writestr("_rels/.rels", f'{DECL}<Relationships xmlns="{PR}"><Relationship Id="rId1" '
                                  f'Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{R}"><sheets>'
                                      + "".join(wb_sheets) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", f'{DECL}<Relationships xmlns="{PR}">' + "".join(wb_rels)
                   + "</Relationships>")
        z.writestr("xl/styles.xml", STYLES)
        for name, data in parts.items():
            z.writestr(name, data)
    return path
