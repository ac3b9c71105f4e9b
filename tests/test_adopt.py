"""init --into: the xltrack sheets are added to a workbook a team already has; then refresh works.

Fidelity by bytes of each part: adopting changes only the parts that adding sheets requires, and a
refresh after that leaves every part of the original workbook as it was.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support.libreoffice import convert
from tests.support.package_check import problems
from tests.support.xlsx_compare import changed_parts, parts
from xltrack.backends.file.adopt import adopt
from xltrack.errors import OutputError
from xltrack.pipeline import layout
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)
ADDING_SHEETS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                 "docProps/app.xml", "xl/styles.xml"}


def _adopt_then_refresh(src: Path, tmp: Path) -> tuple[Path, Path]:
    book = tmp / src.name
    shutil.copyfile(src, book)   # the shared fixture is read-only (0444); a copy to work on is not
    adopt(book, backup=False)
    adopted = tmp / ("adopted" + src.suffix)
    shutil.copy(book, adopted)
    refresh(book, as_of=AS_OF, backup=False)
    return adopted, book


def test_excel_authored_dashboard_keeps_every_part_through_adopt_and_refresh(shared_fixtures, tmp_path):
    src = shared_fixtures / "excel-authored-dashboard.xlsx"
    adopted, refreshed = _adopt_then_refresh(src, tmp_path)
    changed, removed, added = changed_parts(src, adopted)
    assert removed == set() and changed == ADDING_SHEETS
    assert any(a.startswith("xl/worksheets/sheet") for a in added)
    # the refresh keeps all 211 original parts; only styles (append-only) and content types
    # (the owned charts) among them change
    changed, removed, _ = changed_parts(src, refreshed)
    assert removed == set() and changed <= ADDING_SHEETS
    original = parts(src)
    after = parts(refreshed)
    for name in ("xl/model/item.data", "xl/pivotCache/pivotCacheDefinition1.xml", "xl/slicers/slicer1.xml",
                 "xl/timelines/timeline1.xml", "xl/media/image1.jpeg", "customXml/item14.xml",
                 "xl/sharedStrings.xml", "xl/connections.xml", "xl/charts/style1.xml"):
        assert after[name] == original[name]
    # the original sheets keep their order, and the xltrack sheets follow; no added sheet is
    # selected (two selected tabs would group the sheets in Excel)
    with zipfile.ZipFile(refreshed) as z:
        wb = z.read("xl/workbook.xml").decode()
        added_sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet") and n not in original]
        assert added_sheets and not any(b"tabSelected" in z.read(n) for n in added_sheets)
    assert wb.index('name="Dashboard"') < wb.index('name="Dashboard (2)"') < wb.index('name="项目跟踪"')
    assert problems(adopted) == [] and problems(refreshed) == []


def test_the_adopted_workbook_opens_in_libreoffice_with_computed_columns(shared_fixtures, tmp_path):
    src = shared_fixtures / "excel-authored-dashboard.xlsx"
    _, refreshed = _adopt_then_refresh(src, tmp_path)
    back = convert(refreshed, "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(back, read_only=True)
    assert "Score Card" in wb.sheetnames and "历史" in wb.sheetnames
    head = next(wb["项目跟踪"].iter_rows(min_row=1, max_row=1, values_only=True))
    labels = [c.label("zh") for c in layout().sheet("projects").columns]
    assert [h for h in head if h] == labels


def test_a_workbook_with_vba_keeps_its_vba_project(tmp_path: Path):
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not (Path(spec.origin).parent / "quickstart.xlsm").exists():
        pytest.skip("no Excel-authored .xlsm with a VBA project available (xlwings' quickstart.xlsm)")
    src = Path(spec.origin).parent / "quickstart.xlsm"
    adopted, refreshed = _adopt_then_refresh(src, tmp_path)
    changed, removed, _ = changed_parts(src, refreshed)
    assert removed == set() and changed <= ADDING_SHEETS
    assert parts(refreshed)["xl/vbaProject.bin"] == parts(src)["xl/vbaProject.bin"]
    ct = parts(refreshed)["[Content_Types].xml"]
    assert b"macroEnabled" in ct
    assert problems(refreshed) == []


def test_a_sheet_xltrack_would_overwrite_is_refused(tmp_path: Path):
    import xlsxwriter
    book = tmp_path / "team.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    wb.add_worksheet("Dashboard").write(0, 0, "mine")
    wb.close()
    before = book.read_bytes()
    with pytest.raises(OutputError) as e:
        adopt(book, lang="en")
    assert str(e.value) == ("The workbook already has a sheet named 'Dashboard', which xltrack would "
                            "overwrite on refresh; rename it first.")
    assert book.read_bytes() == before
    adopt(book, lang="zh", backup=False)   # the zh sheet names do not clash
    with pytest.raises(OutputError, match="已包含全部 xltrack 工作表"):
        adopt(book, lang="zh")
