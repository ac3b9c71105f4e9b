"""The calamine reader: grids anchored at A1, typed values, error cells, formulas' cached values."""
from __future__ import annotations

import datetime as dt

import openpyxl

from xltrack.read import CellError, clean_grid, open_workbook

from .validate_books import Formula, write_book


def test_grid_is_anchored_at_a1_with_typed_values(tmp_path):
    p = write_book(tmp_path / "t.xlsx", {"S": [
        [], [],
        [None, None, "hello", 5, 2.5],
        [None, None, dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 10, 30), True],
        [None, None, Formula("=1+1", 2), Formula("=NA()", "#N/A"), Formula("=1/0", "#DIV/0!"), "  "],
    ], "Empty": []})
    with open_workbook(p) as book:
        assert book.sheet_names == ["S", "Empty"]
        g = book.grid("S")
        assert book.grid("Empty") == []
    assert len(g) == 5 and g[0] == [None] * len(g[0])
    assert g[2][:5] == [None, None, "hello", 5.0, 2.5]
    assert g[3][2:5] == [dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 10, 30), True]
    assert g[4][2] == 2.0                         # formula read by its cached value
    assert g[4][3] == CellError("#N/A") and str(g[4][4]) == "#DIV/0!"
    assert g[4][5] == "  "                        # text is as typed; normalization trims


def test_error_cells_in_an_openpyxl_written_file(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目跟踪"
    ws["B2"] = "x"
    ws["C3"] = "#REF!"        # openpyxl writes a known error string as an error cell (t="e")
    ws["AA10"] = 7
    p = tmp_path / "o.xlsx"
    wb.save(p)
    with open_workbook(p) as book:
        g = book.grid("项目跟踪")
    assert g[1][1] == "x"
    assert g[2][2] == CellError("#REF!")
    assert len(g) == 10 and len(g[9]) == 27 and g[9][26] == 7.0


def test_lazy_grids_and_prefetch_read_the_same(tmp_path):
    p = write_book(tmp_path / "t.xlsx", {"A": [["a", 1]], "B": [[None, "b"]]})
    with open_workbook(p) as book:
        book.prefetch(["B", "A", "not a sheet"])
        grids = book.grids()
        assert list(grids) == ["A", "B"] and len(grids) == 2
        assert grids["B"] == [[None, "b"]] and grids["A"] == [["a", 1.0]]
    with open_workbook(p) as book:
        assert book.raw_grid("B") == [["", "b"]]
    assert clean_grid([["", 0, False]]) == [[None, 0, False]]


def test_grids_handed_over_once_read_the_same(tmp_path):
    """``keep=False`` (how ``read_workbook`` reads): a grid is not cached, so it is freed when its
    reader drops it; with only the error-cell searches run ahead, values are the same."""
    p = write_book(tmp_path / "t.xlsx", {"A": [["a", 1]], "B": [[None, "b"]]})
    with open_workbook(p) as book:
        book.prefetch(["B", "A"], values=False)
        grids = book.grids(raw=True, keep=False)
        first = grids["B"]
        assert first == [["", "b"]] and grids["A"] == [["a", 1.0]]
        again = grids["B"]
        assert again == first and again is not first


def test_reads_a_workbook_saved_by_excel(shared_fixtures):
    """A real Excel file (pivot tables, shared strings, Excel's own styles) reads cell for cell."""
    with open_workbook(shared_fixtures / "excel-authored-dashboard.xlsx") as book:
        assert book.sheet_names[:3] == ["Dashboard", "Total Engage Trend", "Score Card"]
        card = book.grid("Score Card")
        trend = book.grid("Total Engage Trend")
    assert card[0][:2] == ["Sum of Won", "Sum of Lost"] and card[1][:2] == [4238.0, 2473.0]
    assert trend[1] == ["2016", "Oct", 7.0, 1.0]


def test_extension_does_not_matter(tmp_path):
    p = write_book(tmp_path / "t.xlsx", {"S": [["x", 1]]})
    q = tmp_path / "renamed.xlsm"
    q.write_bytes(p.read_bytes())
    with open_workbook(q) as book:
        assert book.grid("S") == [["x", 1.0]]


def test_error_cell_search_across_chunk_boundaries(tmp_path):
    import zipfile

    from xltrack.read.errcells import error_cells, has_error_cells
    xml = b'<sheetData><row r="3"><c r="B3" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData>'
    p = tmp_path / "z.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("s.xml", xml)
        zf.writestr("clean.xml", xml.replace(b't="e"', b't="n"'))
    with zipfile.ZipFile(p) as zf:
        for chunk in (2, 3, 4, 5, 7, 1 << 20):
            assert has_error_cells(zf, "s.xml", chunk) and not has_error_cells(zf, "clean.xml", chunk)
    assert error_cells(xml) == {(3, 2): "#DIV/0!"}
