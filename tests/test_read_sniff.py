"""Files that are not a readable .xlsx/.xlsm: one sentence saying what was found and expected."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from xltrack.errors import EXIT_UNREADABLE, WorkbookUnreadable
from xltrack.read import open_workbook

from .validate_books import write_book

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _cfb(path: Path, *stream_names: str) -> Path:
    """A compound-file header followed by directory entries naming the given streams."""
    body = bytearray(OLE + b"\x00" * 504)
    for name in ("Root Entry", *stream_names):
        entry = name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
        body += entry
    path.write_bytes(bytes(body))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _message(path: Path) -> str:
    with pytest.raises(WorkbookUnreadable) as e:
        open_workbook(path)
    assert e.value.exit_code == EXIT_UNREADABLE
    return str(e.value)


def test_not_a_workbook(tmp_path):
    p = tmp_path / "photo.xlsx"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert _message(p) == "photo.xlsx is not a spreadsheet (unrecognised content), expected an .xlsx or .xlsm workbook."


def test_missing_empty_and_folder(tmp_path):
    assert _message(tmp_path / "nope.xlsx") == \
        f"{tmp_path / 'nope.xlsx'} does not exist, expected an .xlsx or .xlsm workbook."
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert _message(tmp_path / "empty.xlsx") == "empty.xlsx is an empty file, expected an .xlsx or .xlsm workbook."
    assert _message(tmp_path).endswith("is a folder, expected an .xlsx or .xlsm workbook.")


def test_encrypted_workbook(tmp_path):
    p = _cfb(tmp_path / "secret.xlsx", "EncryptionInfo", "EncryptedPackage")
    assert _message(p) == ("secret.xlsx is password-protected (encrypted), expected an .xlsx or .xlsm "
                           "workbook; remove the password in Excel (File > Info > Protect Workbook) "
                           "and save again.")


def test_legacy_xls(tmp_path):
    p = _cfb(tmp_path / "old.xls", "Workbook", "\x05SummaryInformation")
    assert _message(p) == ("old.xls is a legacy Excel 97-2003 workbook (.xls), expected an .xlsx or "
                           ".xlsm workbook; save it as .xlsx in Excel.")


def test_other_ole_file(tmp_path):
    p = _cfb(tmp_path / "doc.xlsx", "WordDocument")
    assert _message(p).startswith("doc.xlsx is an OLE compound document")


def test_xlsb(tmp_path):
    p = _zip(tmp_path / "b.xlsb", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"})
    assert _message(p) == ("b.xlsb is an Excel binary workbook (.xlsb), expected an .xlsx or .xlsm "
                           "workbook; save it as .xlsx in Excel.")


def test_ods(tmp_path):
    p = _zip(tmp_path / "c.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                  "content.xml": b"<x/>"})
    assert _message(p) == ("c.ods is an OpenDocument spreadsheet (.ods), expected an .xlsx or .xlsm "
                           "workbook; save it as .xlsx in LibreOffice.")


def test_csv_and_text(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text("项目编号,客户名称\nP-0001,华为\n", encoding="utf-8")
    assert _message(p) == ("export.csv is a CSV text file, expected an .xlsx or .xlsm workbook; "
                           "open it in Excel and save it as .xlsx.")
    q = tmp_path / "notes.xlsx"
    q.write_text("just some notes\n")
    assert _message(q).startswith("notes.xlsx is a text file, expected")


def test_html_saved_as_xls(tmp_path):
    p = tmp_path / "report.xls"
    p.write_text("<html><table><tr><td>1</td></tr></table></html>")
    assert _message(p).startswith("report.xls is an XML or HTML file")


def test_zip_without_workbook_and_damaged_zip(tmp_path):
    assert _message(_zip(tmp_path / "a.xlsx", {"readme.txt": b"hi"})) == \
        "a.xlsx is a zip archive without an Excel workbook inside, expected an .xlsx or .xlsm workbook."
    good = write_book(tmp_path / "good.xlsx", {"项目跟踪": [["x"]]})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:300])
    assert _message(cut).startswith("cut.xlsx is a damaged zip file")


def test_strict_ooxml(tmp_path):
    good = write_book(tmp_path / "t.xlsx", {"项目跟踪": [["x"]]})
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(strict, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                    b"http://purl.oclc.org/ooxml/spreadsheetml/main")
            dst.writestr(item, data)
    assert _message(strict) == ("strict.xlsx is a Strict Open XML workbook, expected an .xlsx or .xlsm "
                                "workbook; save it in Excel as \"Excel Workbook (*.xlsx)\".")
