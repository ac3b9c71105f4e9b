"""Workbooks from every producer xltrack meets: adopted with ``init --into``, then refreshed.

openpyxl (and pandas with its openpyxl engine) declares the relationships namespace on each
``<sheet>`` element instead of the root; XlsxWriter declares it on the root; LibreOffice writes
its own flavour (``<col>`` attributes with ``max`` before ``min``). Each is generated here, adopted
and refreshed; the result must open in openpyxl and in LibreOffice, validate, keep the producer's
own sheet part byte for byte, and have no structural problem.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.support.libreoffice import convert
from tests.support.package_check import problems
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.errors import EXIT_OK
from xltrack.normalize.api import validate
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)
HEADER = ["ID", "Customer", "Owner", "Stage", "Amount", "Created"]
ROWS = [["P-1", "ACME", "Alice", "Lead", 1000, dt.datetime(2026, 10, 1)],
        ["P-2", "Globex", "Bob", "Proposal", 2500, dt.datetime(2026, 9, 12)]]


def _openpyxl(path: Path, sheet: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in [HEADER, *ROWS]:
        ws.append(row)
    wb.create_sheet("Notes").append(["free text"])
    wb.save(path)
    return path


def _pandas_openpyxl(path: Path, sheet: str) -> Path:
    pd.DataFrame(ROWS, columns=HEADER).to_excel(path, sheet_name=sheet, index=False, engine="openpyxl")
    return path


def _xlsxwriter(path: Path, sheet: str) -> Path:
    pd.DataFrame(ROWS, columns=HEADER).to_excel(path, sheet_name=sheet, index=False, engine="xlsxwriter")
    return path


def _libreoffice(path: Path, sheet: str) -> Path:
    src = _openpyxl(path.parent / ("lo-src-" + path.name), sheet)
    out = convert(src, "xlsx:Calc MS Excel 2007 XML", path.parent / "lo")
    path.write_bytes(out.read_bytes())
    return path


PRODUCERS = {"openpyxl": _openpyxl, "pandas-openpyxl": _pandas_openpyxl, "xlsxwriter": _xlsxwriter,
             "libreoffice": _libreoffice}


def _sheet_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        wb = openpyxl.load_workbook(path, read_only=True)
        idx = wb.sheetnames.index(name) + 1
        wb.close()
        return z.read(f"xl/worksheets/sheet{idx}.xml")


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_adopt_and_refresh_a_workbook_of_each_producer(producer, tmp_path):
    book = PRODUCERS[producer](tmp_path / f"{producer}.xlsx", "Deals")
    if producer == "openpyxl":
        assert b'<sheet xmlns:r="' in zipfile.ZipFile(book).read("xl/workbook.xml")   # the case at issue
    assert run_cli(cli, ["init", "--into", str(book), "--lang", "en", "--no-backup"]) == EXIT_OK
    # "Deals" is a documented alias of Projects: it is the Projects sheet, no empty one is added
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert names[0] == "Deals" and "Projects" not in names
    result = refresh(book, as_of=AS_OF, backup=False)
    assert result.counts["projects"] == 2
    assert problems(book) == []
    wb = openpyxl.load_workbook(book)          # openpyxl opens it
    assert wb["Deals"]["B2"].value == "ACME" and wb["Deals"]["B3"].value == "Globex"
    t = validate(book, as_of=AS_OF)
    assert list(t.projects["id"]) == ["P-1", "P-2"]
    csv = convert(book, "csv", tmp_path / "csv")     # LibreOffice opens it: the first sheet's values
    assert "ACME" in csv.read_text(encoding="utf-8") and "Globex" in csv.read_text(encoding="utf-8")


def test_an_openpyxl_workbook_keeps_its_own_sheet_bytes_through_adopt_and_refresh(tmp_path):
    book = _openpyxl(tmp_path / "team.xlsx", "Projects")
    notes = _sheet_part(book, "Notes")
    assert run_cli(cli, ["init", "--into", str(book), "--lang", "en", "--no-backup"]) == EXIT_OK
    refresh(book, as_of=AS_OF, backup=False)
    assert _sheet_part(book, "Notes") == notes
    assert problems(book) == []
