"""RowWrite in the file backend: styles of written cells, tables, validations and formats that grow."""
from __future__ import annotations

import datetime as dt

from xltrack.backends.file.cells import CellWriter
from xltrack.backends.file.styles import MINIMAL_STYLES, StyleBook
from xltrack.backends.file.user_rows import row_cells, stretch_sheet, stretch_table
from xltrack.plan import RowWrite

SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/>'
         b'<cols><col min="1" max="1" width="12" style="5" customWidth="1"/></cols><sheetData>'
         b'<row r="1"><c r="A1" s="9" t="s"><v>0</v></c><c r="B1" s="9" t="s"><v>1</v></c></row>'
         b'<row r="2"><c r="A2" s="2"><v>1</v></c><c r="B2" s="3"><v>46000</v></c><c r="C2" s="4" t="s"><v>2</v></c></row>'
         b'<row r="3"><c r="A3" s="2"><v>2</v></c></row></sheetData>'
         b'<conditionalFormatting sqref="B2:B3 D2:D5001"><cfRule type="expression" priority="1"><formula>B2&lt;TODAY()</formula></cfRule></conditionalFormatting>'
         b'<dataValidations count="2"><dataValidation type="custom" sqref="A2:A3"><formula1>COUNTIF($A$2:$A$3,A2)&lt;=1</formula1></dataValidation>'
         b'<dataValidation type="list" sqref="H1"><formula1>"a,b"</formula1></dataValidation></dataValidations>'
         b'<extLst><ext><x14:dataValidations><x14:dataValidation><xm:sqref>C2:C3</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>'
         b'</worksheet>')


def _styles() -> StyleBook:
    xml = MINIMAL_STYLES.decode().replace(
        "</cellXfs>", "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                              for n in (0, 0, 4, 0, 0, 14, 0, 0, 0)) + "</cellXfs>")
    return StyleBook(xml.encode())


def test_cells_keep_or_inherit_styles_and_dates_get_a_date_format():
    styles = _styles()
    cw = CellWriter(styles)
    rw = RowWrite("S", header_row=1, cells={2: {1: 7, 3: "=not a formula"}, 4: {1: 3, 2: dt.date(2026, 3, 1), 3: "x"},
                                            5: {4: dt.date(2026, 3, 2)}}, last_row=5)
    cells, last = row_cells(SHEET, rw, cw, styles, 1)
    assert last == 3
    assert cells[2][1] == '<c r="A2" s="2"><v>7</v></c>'                 # existing cell: its style kept
    assert cells[2][3] == '<c r="C2" s="4" t="inlineStr"><is><t>=not a formula</t></is></c>'
    assert cells[4][1] == '<c r="A4" s="2"><v>3</v></c>'                 # new row: the style of the row above
    assert styles.is_date_xf(3) is False and styles.is_date_xf(int(_s(cells[5][4]))) is True
    assert cells[4][2].startswith('<c r="B4" s="') and "<v>46082</v>" in cells[4][2]
    assert 's="3"' not in cells[4][2]                                     # a number format is not a date format


def _s(element: str) -> str:
    return element.split(' s="')[1].split('"')[0]


def test_ranges_that_reach_the_old_end_grow():
    out = stretch_sheet(SHEET, 3, 40).decode()
    assert 'sqref="B2:B40 D2:D5001"' in out                  # D already reaches past the new end
    assert 'sqref="A2:A40"' in out and "COUNTIF($A$2:$A$40,A2)" in out
    assert 'sqref="H1"' in out and "<xm:sqref>C2:C40</xm:sqref>" in out
    assert out[:out.index("</sheetData>")] == SHEET.decode()[:SHEET.decode().index("</sheetData>")]
    assert stretch_sheet(SHEET, 3, 3) == SHEET


def test_table_grows_unless_it_has_a_totals_row():
    t = b'<table xmlns="x" id="1" name="T" ref="A1:C3"><autoFilter ref="A1:C3"/></table>'
    assert stretch_table(t, 1, 9) == b'<table xmlns="x" id="1" name="T" ref="A1:C9"><autoFilter ref="A1:C9"/></table>'
    assert stretch_table(t, 1, 3) is None and stretch_table(t, 2, 9) is None
    assert stretch_table(t.replace(b'ref="A1:C3">', b'ref="A1:C3" totalsRowCount="1">'), 1, 9) is None
