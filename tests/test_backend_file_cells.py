"""The speed caches of the file backend never change what is written.

Cell tails are cached per (type, value, style object) and looked up per Cell object; the planner
and the History builder share one Cell between rows. These tests pin the cases a cache could get
wrong: values equal across types (1, 1.0, True), NaN, equal styles that are distinct objects,
a shared Cell at many references, rows with links, and the row rewrite's fast reference parsing.
"""
from __future__ import annotations

import datetime as dt
import math

from xltrack.backends.file.cells import CellWriter
from xltrack.backends.file.owned_sheet import owned_sheet_xml
from xltrack.backends.file.sheet_cells import SheetEdit, rewrite_sheet
from xltrack.backends.file.styles import MINIMAL_STYLES, StyleBook
from xltrack.plan import Cell, SheetWrite, Style


def _writer() -> CellWriter:
    return CellWriter(StyleBook(MINIMAL_STYLES))


def test_equal_values_of_different_types_are_typed_apart():
    cw = _writer()
    out = [cw.xml("A1", Cell(v)) for v in (1, 1.0, True, 1.5, "1", dt.date(2026, 1, 2))] * 2
    assert out[0] == '<c r="A1"><v>1</v></c>'
    assert out[2] == '<c r="A1" t="b"><v>1</v></c>'
    assert out[4] == '<c r="A1" t="inlineStr"><is><t>1</t></is></c>'
    assert 's="' in out[5] and "<v>46024</v>" in out[5]
    assert out[:6] == out[6:]                    # a second lookup (from the cache) is the same


def test_nan_and_styles_that_are_equal_but_distinct_objects():
    cw = _writer()
    assert cw.xml("A1", Cell(math.nan)) is None
    assert cw.xml("A1", Cell(float("nan"), Style(bold=True))) == cw.xml("A1", Cell(None, Style(bold=True)))
    a, b = Style(num_format="0.0"), Style(num_format="0.0")
    assert cw.xml("B2", Cell(2.5, a)) == cw.xml("B2", Cell(2.5, b))
    assert cw.tail_bytes(Cell("x<y")) == cw.tail(Cell("x<y")).encode()
    assert "x&lt;y" in cw.tail(Cell("x<y"))


def test_a_shared_cell_is_written_at_each_of_its_references():
    shared, red = Cell("同一"), Cell("红", Style(fill="FFC7CE"))
    rows = [[shared, None, red], [], [None, shared], [red, Cell(None, None, "#'S'!A1"), shared]]
    sw = SheetWrite(key="history", name="H", rows=rows, row_heights={2: 30})
    xml = owned_sheet_xml(sw, _writer()).xml.decode()
    assert xml.count("同一") == 3 and xml.count("红") == 2
    for ref in ("A1", "C1", "B3", "A4", "C4"):
        assert f'<c r="{ref}"' in xml
    assert '<row r="2" ht="30" customHeight="1"></row>' in xml
    assert '<hyperlinks><hyperlink ref="B4" location="\'S\'!A1"/></hyperlinks>' in xml
    assert '<dimension ref="A1:C4"/>' in xml


def test_row_rewrite_parses_references_and_falls_back_for_odd_ones():
    head = (b'<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:B3"/><sheetData>')
    body = (b'<row r="1" spans="1:2"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
            b'<row r="2" spans="1:2"><c r="A2"><v>1</v></c><c s="0"><v>9</v></c></row>'
            b'<row r="3" spans="1:2"><c><v>1</v></c><c><v>2</v></c></row>')
    xml = head + body + b"</sheetData></worksheet>"
    e = SheetEdit(cells={r: {3: b'<c r="C%d"><v>7</v></c>' % r} for r in (1, 2, 3)},
                  owned={3: (2, 3)})
    out = rewrite_sheet(xml, e)
    assert b'<row r="1" spans="1:3"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>7</v></c></row>' in out
    # a cell without a reference among the scanned ones: the row is parsed fully and numbered
    assert b'<c r="A2"><v>1</v></c><c r="B2" s="0"><v>9</v></c><c r="C2"><v>7</v></c></row>' in out
    # bare <c> cells are never mistaken for owned ones: the new cell follows them
    assert b'<c><v>1</v></c><c><v>2</v></c><c r="C3"><v>7</v></c>' in out
    assert rewrite_sheet(out, SheetEdit(cells={r: {3: '<c r="C%d"><v>7</v></c>' % r} for r in (1, 2, 3)},
                                        owned={3: (2, 3)})) == out   # str elements, same bytes: unchanged


def test_a_row_that_already_ends_with_the_new_cells_is_kept_unless_an_owned_cell_precedes_them():
    head = b'<worksheet xmlns="x"><sheetData>'
    rows = (b'<row r="2"><c r="A2"><v>1</v></c><c r="D2"><v>4</v></c></row>'
            b'<row r="3"><c r="A3"><v>1</v></c><c r="C3"><v>3</v></c><c r="D3"><v>4</v></c></row>')
    xml = head + rows + b"</sheetData></worksheet>"
    e = SheetEdit(cells={2: {3: None, 4: b'<c r="D2"><v>4</v></c>'}, 3: {4: b'<c r="D3"><v>4</v></c>'}},
                  owned={3: (2, 3), 4: (2, 3)})
    out = rewrite_sheet(xml, e)
    assert rows[:rows.index(b'<row r="3"')] in out                     # row 2: unchanged bytes
    assert b'<row r="3"><c r="A3"><v>1</v></c><c r="D3"><v>4</v></c></row>' in out   # C3 was owned: cleared
