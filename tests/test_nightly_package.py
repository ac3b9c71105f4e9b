"""Edits to the emailed copy's package: .xlsm → macro-free .xlsx, fullCalcOnLoad, formula detection."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from tests.support.libreoffice import convert
from tests.support.nightly import make_xlsm, workbook
from xltrack.backends.mailcopy import (drop_macros, has_formulas, is_macro_enabled, mark_full_calc_on_load,
                                     set_full_calc)


def test_xlsm_becomes_a_macro_free_xlsx_that_opens(tmp_path):
    xlsm = make_xlsm(workbook(tmp_path / "src.xlsx"), tmp_path / "book.xlsm")
    assert is_macro_enabled(xlsm)
    out = tmp_path / "book.xlsx"
    assert drop_macros(xlsm, out) == ["xl/vbaProject.bin"]
    assert not is_macro_enabled(out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        ct, rels = z.read("[Content_Types].xml"), z.read("xl/_rels/workbook.xml.rels")
        with zipfile.ZipFile(xlsm) as zs:
            same = [n for n in names if n not in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels")]
            assert all(z.read(n) == zs.read(n) for n in same), "every other part is copied as it is"
    assert not any("vba" in n.lower() for n in names)
    assert b"macroEnabled" not in ct and b"vbaProject" not in ct
    assert b"spreadsheetml.sheet.main+xml" in ct and b"vbaProject" not in rels
    assert openpyxl.load_workbook(out)["项目跟踪"]["B2"].value == "华东电力"


@pytest.mark.libreoffice
def test_xltrack_macro_workbook_becomes_an_xlsx_without_vba_that_libreoffice_opens(tmp_path):
    """The real thing: the .xlsm with the VBA project and Refresh buttons that xltrack makes."""
    import datetime as dt

    from oletools.olevba import VBA_Parser

    from xltrack.build.api import init
    from xltrack.macro import make_macro_workbook

    src = init(tmp_path / "src.xlsx", demo=True, rows=8, seed=1, as_of=dt.date(2026, 11, 27))
    xlsm = tmp_path / "book.xlsm"
    make_macro_workbook(src, xlsm)
    assert VBA_Parser(str(xlsm)).detect_vba_macros()
    out = tmp_path / "book.xlsx"
    assert "xl/vbaProject.bin" in drop_macros(xlsm, out)
    assert not VBA_Parser(str(out)).detect_vba_macros()
    assert openpyxl.load_workbook(out).sheetnames == openpyxl.load_workbook(xlsm).sheetnames
    customer = openpyxl.load_workbook(out)["项目跟踪"]["B2"].value
    csv = convert(out, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "lo")
    assert f",{customer}," in csv.read_text(encoding="utf-8").splitlines()[1]


@pytest.mark.parametrize("xml, expected", [
    (b'<workbook><sheets/><calcPr calcId="191029"/></workbook>',
     b'<workbook><sheets/><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'),
    (b'<workbook><calcPr fullCalcOnLoad="0" calcId="1"></calcPr></workbook>',
     b'<workbook><calcPr fullCalcOnLoad="1" calcId="1"></calcPr></workbook>'),
    (b'<workbook><sheets/><definedNames/><pivotCaches/><extLst/></workbook>',
     b'<workbook><sheets/><definedNames/><calcPr fullCalcOnLoad="1"/><pivotCaches/><extLst/></workbook>'),
    (b'<x:workbook xmlns:x="s"><x:sheets/></x:workbook>',
     b'<x:workbook xmlns:x="s"><x:sheets/><x:calcPr fullCalcOnLoad="1"/></x:workbook>'),
])
def test_set_full_calc(xml, expected):
    assert set_full_calc(xml) == expected


def test_mark_full_calc_on_load_and_formula_detection(tmp_path):
    plain = workbook(tmp_path / "plain.xlsx")
    assert not has_formulas(plain)
    f = workbook(tmp_path / "f.xlsx", formula=True, stale=True)
    assert has_formulas(f)
    with zipfile.ZipFile(f) as z:
        assert b"fullCalcOnLoad" not in z.read("xl/workbook.xml")
    mark_full_calc_on_load(f, tmp_path / "marked.xlsx")
    with zipfile.ZipFile(tmp_path / "marked.xlsx") as z:
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
    assert openpyxl.load_workbook(tmp_path / "marked.xlsx")["项目跟踪"]["F2"].value == "=SUM(C2:C3)"
