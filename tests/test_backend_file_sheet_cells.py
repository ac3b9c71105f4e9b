"""The streaming cell rewrite on hand-written sheet XML: the odd shapes real files have."""
from __future__ import annotations

from xltrack.backends.file.sheet_cells import SheetEdit, rewrite_sheet

HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B3"/>'


def _edit(**cells) -> SheetEdit:
    e = SheetEdit()
    for ref, xml in cells.items():
        col = ord(ref[0]) - 64
        e.cells.setdefault(int(ref[1:]), {})[col] = xml
    return e


def test_new_rows_go_in_order_between_and_after_existing_ones_and_empty_rows_keep_their_bytes():
    xml = (HEAD + b'<sheetData><row r="1" spans="1:2"><c r="A1"><v>1</v></c></row><row r="3" ht="20" customHeight="1"/>'
           b'<row r="5"><c r="B5" s="2"><f>A1*2</f><v>2</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A9:B9"/></mergeCells></worksheet>')
    e = _edit(C1='<c r="C1"><v>9</v></c>', C2='<c r="C2"><v>8</v></c>', C7='<c r="C7"><v>7</v></c>')
    out = rewrite_sheet(xml, e)
    assert out == (HEAD.replace(b"A1:B3", b"A1:C7")
                   + b'<sheetData><row r="1" spans="1:3"><c r="A1"><v>1</v></c><c r="C1"><v>9</v></c></row>'
                   b'<row r="2"><c r="C2"><v>8</v></c></row><row r="3" ht="20" customHeight="1"/>'
                   b'<row r="5"><c r="B5" s="2"><f>A1*2</f><v>2</v></c></row><row r="7"><c r="C7"><v>7</v></c></row>'
                   b'</sheetData><mergeCells count="1"><mergeCell ref="A9:B9"/></mergeCells></worksheet>')
    assert rewrite_sheet(out, e) == out      # same writes again: the same bytes


def test_prefixed_sheets_and_cells_without_references():
    xml = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           b'<x:row r="2"><x:c t="s"><x:v>0</x:v></x:c><x:c><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    e = SheetEdit(cells={2: {1: '<x:c r="A2"><x:v>1</x:v></x:c>', 4: '<x:c r="D2"><x:v>4</x:v></x:c>'}})
    out = rewrite_sheet(xml, e)
    assert out == (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                   b'<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c><x:c r="B2"><x:v>5</x:v></x:c><x:c r="D2"><x:v>4</x:v></x:c>'
                   b'</x:row></x:sheetData></x:worksheet>')


def test_owned_cells_of_gone_rows_are_removed_and_a_value_in_an_id_cell_wins():
    xml = (HEAD + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Light</t></is></c></row>'
           b'<row r="2"><c r="A2" s="4"/><c r="C2"><v>1</v></c></row><row r="3"><c r="A3"><v>7</v></c><c r="C3"><v>1</v></c></row>'
           b'</sheetData></worksheet>')
    e = SheetEdit(cells={2: {1: '<c r="A2" t="inlineStr"><is><t>P-1</t></is></c>'},
                         3: {1: '<c r="A3" t="inlineStr"><is><t>P-2</t></is></c>'}},
                  owned={3: (2, 3)}, fill_only={(2, 1), (3, 1)})
    out = rewrite_sheet(xml, e)
    assert b'<row r="2"><c r="A2" s="4" t="inlineStr"><is><t>P-1</t></is></c></row>' in out
    assert b'<row r="3"><c r="A3"><v>7</v></c></row>' in out
    assert b'<c r="C1" t="inlineStr"><is><t>Light</t></is></c>' in out


def test_column_definitions_in_any_attribute_order_are_not_duplicated():
    """LibreOffice writes ``<col collapsed=… customWidth=… max=… min=…>`` (max before min): the
    head is edited through the parser, so columns already defined get no second definition."""
    lo = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          b'<dimension ref="A1:AF3"/><cols><col collapsed="false" customWidth="true" hidden="false" '
          b'outlineLevel="0" max="32" min="1" style="0" width="11.5"/>'
          b"<col max='40' min='38' width='9'></col></cols>"
          b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    e = SheetEdit(cells={1: {26: '<c r="Z1"><v>2</v></c>'}}, widths={26: 14.0, 33: 20.0, 39: 5.0, 41: 7.0})
    out = rewrite_sheet(lo, e)
    from lxml import etree
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    cols = [(int(c.get("min")), int(c.get("max"))) for c in etree.fromstring(out).iterfind("m:cols/m:col", ns)]
    assert cols == [(1, 32), (33, 33), (38, 40), (41, 41)]    # ordered, none overlapping
    assert b'<row r="1"><c r="A1"><v>1</v></c><c r="Z1"><v>2</v></c></row>' in out
    assert rewrite_sheet(out, e) == out


def test_a_head_that_needs_no_change_keeps_its_bytes():
    xml = (HEAD + b"<cols><col width='3' max='9' min='1'/></cols><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
           b"</sheetData></worksheet>")
    e = SheetEdit(cells={1: {2: '<c r="B1"><v>2</v></c>'}}, widths={2: 9.0})
    assert rewrite_sheet(xml, e) == xml.replace(b'<v>1</v></c>', b'<v>1</v></c><c r="B1"><v>2</v></c>')
