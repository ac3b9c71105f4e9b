"""Fresh formula results in the attachment: LibreOffice calculateAll(), else fullCalcOnLoad; logged."""
from __future__ import annotations

import email
import email.policy
import io
import logging
import zipfile

import openpyxl
import pytest

from tests.support.libreoffice import soffice
from tests.support.nightly import AS_OF, make_xlsm, sample, workbook
from xltrack.nightly.api import mail_refreshed
from xltrack.nightly.attachment import prepare_attachment
from xltrack.nightly.message import parse_address
from xltrack.nightly.office import libreoffice_available
from xltrack.nightly.settings import NightlySettings


def _cached(path_or_bytes, ref="F2"):
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return openpyxl.load_workbook(src, data_only=True)["项目跟踪"][ref].value


@pytest.mark.libreoffice
def test_stale_cached_formula_values_are_recalculated_in_the_attachment(tmp_path, caplog):
    soffice()
    if libreoffice_available() is None:
        pytest.skip("python3-uno is not installed")
    caplog.set_level(logging.INFO, logger="xltrack.nightly")
    wb = workbook(tmp_path / "销售跟踪.xlsx", formula=True, stale=True)
    assert _cached(wb) == 999, "the fixture's cached value is stale on purpose"
    before = wb.read_bytes()
    tables, results = sample()
    res = mail_refreshed(wb, tables, results, to=[parse_address("boss@example.com")], dry_run=tmp_path / "out",
                         settings=NightlySettings(sender="bot@example.com"))
    assert res.recalc == "libreoffice"
    assert "formulas recalculated with LibreOffice (calculateAll)" in caplog.text
    msg = email.message_from_bytes(res.messages[0].eml.read_bytes(), policy=email.policy.default)
    data = next(msg.iter_attachments()).get_content()
    assert _cached(data) == 1_550_000
    assert openpyxl.load_workbook(io.BytesIO(data))["项目跟踪"]["F2"].value == "=SUM(C2:C3)"
    assert wb.read_bytes() == before, "the user's workbook never goes through LibreOffice"


def test_without_libreoffice_the_copy_is_marked_for_recalculation_on_open(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="xltrack.nightly")
    wb = workbook(tmp_path / "book.xlsx", formula=True, stale=True)
    att = prepare_attachment(wb, tmp_path, attach="xlsx", as_of=AS_OF, recalc=False)
    assert att.recalc == "full-calc-on-load"
    assert "marked for full recalculation on open (fullCalcOnLoad" in caplog.text
    with zipfile.ZipFile(att.path) as z:
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")
    with zipfile.ZipFile(wb) as z:
        assert b"fullCalcOnLoad" not in z.read("xl/workbook.xml")


def test_no_formulas_no_recalculation(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="xltrack.nightly")
    att = prepare_attachment(workbook(tmp_path / "book.xlsx"), tmp_path, attach="xlsx", as_of=AS_OF)
    assert att.recalc == "no-formulas" and "no user formulas" in caplog.text
    assert att.filename == "book_2026-11-27.xlsx"


def test_macro_enabled_attachment_keeps_vba_and_is_marked_not_passed_through_libreoffice(tmp_path):
    xlsm = make_xlsm(workbook(tmp_path / "src.xlsx", formula=True, stale=True), tmp_path / "book.xlsm")
    att = prepare_attachment(xlsm, tmp_path, attach="xlsm", as_of=AS_OF)
    assert (att.filename, att.recalc, att.subtype) == ("book_2026-11-27.xlsm", "full-calc-on-load",
                                                       "vnd.ms-excel.sheet.macroEnabled.12")
    with zipfile.ZipFile(att.path) as z, zipfile.ZipFile(xlsm) as zs:
        assert z.read("xl/vbaProject.bin") == zs.read("xl/vbaProject.bin")
    # default: a macro-free .xlsx copy of the same workbook
    att = prepare_attachment(xlsm, tmp_path / ".", attach="xlsx", as_of=AS_OF, recalc=False)
    assert att.filename == "book_2026-11-27.xlsx" and att.dropped == ["xl/vbaProject.bin"]


def test_attach_none(tmp_path):
    assert prepare_attachment(workbook(tmp_path / "b.xlsx"), tmp_path, attach="none", as_of=AS_OF) is None
