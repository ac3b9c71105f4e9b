"""The file backend applies hand-built write plans: only owned cells/sheets/styles change."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests.support.package_check import problems
from tests.support.xlsx_compare import cell_dump, changed_parts, parts
from xltrack.backends.file import apply_plan
from xltrack.backends.file.styles import StyleBook
from xltrack.errors import WorkbookUnreadable
from xltrack.plan import Cell, CellWrite, ColumnWrite, SheetWrite, Style, WritePlan

RED = Style(fill="FFC7CE", font_color="9C0006", bold=True)


def rich_workbook(path: Path) -> Path:
    """A user workbook with what a team adds: formulas with cached values, a table, a comment,
    validation, conditional formats, merges, an image, a chart, a second sheet."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Projects")
    head = wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws.write_row(0, 0, ["ID", "Customer", "Stage", "Amount", "Note"], head)
    for i in range(1, 9):
        ws.write_row(i, 0, [f"P-{i:04d}" if i != 4 else None, f"Cust {i}", "Proposal"], None)
        ws.write_number(i, 3, i * 1000.5, money)
        ws.write_string(i, 4, "=not a formula" if i == 2 else f"note {i}")
    ws.write_formula(9, 3, "=SUM(D2:D9)", money, 36018)
    ws.write_array_formula(10, 3, 10, 3, "{=MAX(D2:D9*1)}", None, 8004)
    ws.write_comment("B2", "a user comment")
    ws.data_validation("C2:C9", {"validate": "list", "source": ["Lead", "Proposal"]})
    ws.conditional_format("D2:D9", {"type": "cell", "criteria": ">", "value": 5000,
                                    "format": wb.add_format({"bold": True})})
    ws.merge_range("G1:H1", "merged note")
    ws.set_column("B:B", 25)
    ws.freeze_panes(1, 0)
    other = wb.add_worksheet("Mine")
    other.write_row(0, 0, ["a", 1, dt.date(2024, 1, 2)], None)
    other.write_datetime(0, 2, dt.datetime(2024, 1, 2), wb.add_format({"num_format": "yyyy-mm-dd"}))
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Projects!$D$2:$D$9", "categories": "=Projects!$A$2:$A$9"})
    other.insert_chart("E2", chart)
    png = path.parent / "_pixel.png"
    if not png.exists():
        import zlib, struct
        raw = b"\x00\xff\x00\x00"
        def chunk(t, d):
            return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
        png.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    other.insert_image("E20", str(png))
    t = wb.add_worksheet("Tabled")
    t.add_table("A1:C4", {"columns": [{"header": "Key"}, {"header": "Val"}, {"header": "Light"}],
                          "data": [["k1", 1, None], ["k2", 2, None], ["k3", 3, None]]})
    wb.close()
    return path


def plan_for(sheet: str = "Projects") -> WritePlan:
    rows = list(range(2, 10))
    cells = [Cell("Red", RED), Cell("=1+1"), Cell("+cmd"), Cell("-2"), Cell("@SUM(A1)"), Cell(3.25),
             Cell(dt.date(2026, 11, 27)), Cell(None)]
    return WritePlan(
        columns=[ColumnWrite(sheet, "light", 6, 1, Cell("Light", Style(bold=True, fill="D9D9D9")), rows, cells,
                             width=9, clear_to_row=12),
                 ColumnWrite(sheet, "idle_days", 9, 1, Cell("Idle days"), [2, 14], [Cell(5), Cell(7)])],
        cells=[CellWrite(sheet, 5, 1, Cell("P-0009")), CellWrite(sheet, 2, 1, Cell("P-XXXX"))],
        sheets=[SheetWrite("history", "History", [[Cell("id"), Cell("date")], [Cell("P-0001"), Cell(dt.date(2026, 1, 1))]],
                           freeze=(1, 0), col_widths={1: 12}, merges=["A4:B4"], tab_color="808080"),
                SheetWrite("risk_list", "Risk list", [[Cell("go", link="#'Projects'!A2"), Cell("web", link="https://example.com")]])],
    )


@pytest.fixture()
def rich(tmp_path: Path) -> Path:
    return rich_workbook(tmp_path / "rich.xlsx")


def test_only_owned_parts_change_and_user_cells_keep_value_and_style(rich: Path, tmp_path: Path):
    out = tmp_path / "out.xlsx"
    apply_plan(rich, plan_for(), out)
    changed, removed, added = changed_parts(rich, out)
    assert removed == set()
    # the Projects sheet (computed cells), styles (appended) and the parts adding two sheets
    assert changed == {"xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml",
                       "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml"}
    assert added == {"xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml",
                     "xl/worksheets/_rels/sheet5.xml.rels"}
    skip = {"Projects": {6, 9}}
    before, after = cell_dump(rich, skip=skip), cell_dump(out, sheets=["Projects", "Mine", "Tabled"], skip=skip)
    # the assigned ID went into the empty A5 only; A2 held a value and keeps it
    assert after.pop(("Projects", "A5"))[0] == "P-0009"
    before.pop(("Projects", "A5"), None)
    assert after == before
    assert problems(rich) == [] and problems(out) == []


def test_values_are_typed_and_text_never_becomes_a_formula(rich: Path, tmp_path: Path):
    out = tmp_path / "out.xlsx"
    apply_plan(rich, plan_for(), out)
    ws = openpyxl.load_workbook(out)["Projects"]
    col = [ws.cell(r, 6) for r in range(1, 11)]
    assert [c.value for c in col[:8]] == ["Light", "Red", "=1+1", "+cmd", "-2", "@SUM(A1)", 3.25,
                                          dt.datetime(2026, 11, 27)]
    assert all(c.data_type == "s" for c in col[1:6])
    assert col[7].number_format == "yyyy-mm-dd"
    assert col[1].fill.fgColor.rgb == "FFFFC7CE" and col[1].font.b
    # a row that did not exist yet, and the user's formulas with their cached values
    assert ws.cell(14, 9).value == 7
    assert ws["D10"].value == "=SUM(D2:D9)"
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    assert b"<v>36018</v>" in xml and b'<dimension ref="A1:I14"/>' in xml
    assert b'<col min="6" max="6" width="9" customWidth="1"/>' in xml


def test_cells_of_rows_that_are_gone_are_cleared(rich: Path, tmp_path: Path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    apply_plan(rich, plan_for(), first)
    plan = plan_for()
    plan.columns[0].rows, plan.columns[0].cells = [2], [Cell("Green")]
    apply_plan(first, plan, second)
    ws = openpyxl.load_workbook(second)["Projects"]
    assert [ws.cell(r, 6).value for r in range(1, 10)] == ["Light", "Green"] + [None] * 7
    assert ws["E3"].value == "=not a formula"


def test_applying_the_same_plan_twice_changes_nothing(rich: Path, tmp_path: Path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    apply_plan(rich, plan_for(), first)
    apply_plan(first, plan_for(), second)
    assert parts(first) == parts(second)
    assert first.read_bytes() == second.read_bytes()


def test_table_header_cells_keep_the_table_column_names(rich: Path, tmp_path: Path):
    out = tmp_path / "out.xlsx"
    plan = WritePlan(columns=[ColumnWrite("Tabled", "light", 3, 1, Cell("状态灯"), [2, 3, 4],
                                          [Cell("Red", RED), Cell("Green"), Cell("Yellow")])])
    apply_plan(rich, plan, out)
    ws = openpyxl.load_workbook(out)["Tabled"]
    assert [c.value for c in ws["C"]] == ["Light", "Red", "Green", "Yellow"]
    changed, _, _ = changed_parts(rich, out)
    assert not any(n.startswith("xl/tables/") for n in changed)


def test_styles_are_append_only():
    xml = zipfile.ZipFile(rich_workbook(Path(__import__("tempfile").mkdtemp()) / "s.xlsx")).read("xl/styles.xml")
    book = StyleBook(xml)
    before = {k: book.records(k) for k in ("fonts", "fills", "cellXfs", "numFmts")}
    a = book.xf_for(RED)
    b = book.xf_for(Style(num_format="0.000"))
    assert book.xf_for(RED) == a and a == len(before["cellXfs"]) and b == a + 1
    for k, recs in before.items():
        assert book.records(k)[:len(recs)] == recs
    again = StyleBook(book.to_bytes())
    assert again.xf_for(RED) == a and not again.changed
    assert again.to_bytes() == book.to_bytes()


@pytest.mark.parametrize("kind", ["xlsb", "strict", "text", "missing"])
def test_unsupported_packages_are_refused_clearly(tmp_path: Path, kind: str):
    src = tmp_path / f"bad.{kind}"
    if kind == "xlsb":
        with zipfile.ZipFile(src, "w") as z:
            z.writestr("xl/workbook.bin", b"\0")
    elif kind == "strict":
        with zipfile.ZipFile(src, "w") as z:
            z.writestr("xl/workbook.xml", '<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>')
    elif kind == "text":
        src.write_text("id,customer\n")
    with pytest.raises(WorkbookUnreadable) as e:
        apply_plan(src, WritePlan(), tmp_path / "out.xlsx")
    expected = {"xlsb": ".xlsb", "strict": "Strict Open XML", "text": "not an .xlsx/.xlsm file",
                "missing": "does not exist"}[kind]
    assert expected in str(e.value)


def test_a_formula_typed_into_a_computed_column_is_replaced_and_calc_chain_dropped(rich: Path, tmp_path: Path):
    # simulate a workbook saved by Excel: a calcChain listing a formula in the computed column
    src = tmp_path / "chain.xlsx"
    with zipfile.ZipFile(rich) as z, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as out:
        for n in z.namelist():
            data = z.read(n)
            if n == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<row r="3"[^>]*>.*?)(</row>)', rb'\1<c r="F3"><f>1+1</f><v>2</v></c>\2', data,
                              count=1, flags=re.S)
            if n == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            if n == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
                                    b"</Relationships>")
            out.writestr(n, data)
        out.writestr("xl/calcChain.xml", '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         '<c r="F3" i="1"/><c r="D10"/></calcChain>')
    assert b"<f>1+1</f>" in parts(src)["xl/worksheets/sheet1.xml"]
    out = tmp_path / "out.xlsx"
    apply_plan(src, plan_for(), out)
    after = parts(out)
    assert "xl/calcChain.xml" not in after and b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert openpyxl.load_workbook(out)["Projects"]["F3"].value == "=1+1"   # our text, not a formula


def test_the_package_checker_finds_what_excel_refuses(rich: Path, tmp_path: Path):
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(rich) as z, zipfile.ZipFile(bad, "w") as out:
        for n in z.namelist():
            data = z.read(n)
            if n == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A2"', b'<c r="Z2"', 1)
            if n == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId77" Type="x" Target="nothere.xml"/>'
                                    b"</Relationships>")
            out.writestr(n, data)
        out.writestr("xl/orphan.bin", b"\0")
    found = problems(bad)
    assert "xl/worksheets/sheet1.xml: cell B2 out of order in row 2" in found
    assert "dangling relationship in xl/_rels/workbook.xml.rels: nothere.xml" in found
    assert "no content type: xl/orphan.bin" in found
