"""Reading import sources: CSV encodings and delimiters, xlsx sheets, .xls and .ods (via LibreOffice)."""
from __future__ import annotations

import codecs

import pytest
import xlsxwriter

from xltrack.importer.source import SourceUnreadable, decode, read_source, sniff_delimiter

from .support.libreoffice import convert

TEXT = "商机名称,客户名称,金额\n一期,甲公司,\"12,000\"\n"


@pytest.mark.parametrize("data,used", [
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
])
def test_encoding_is_detected(data, used):
    assert decode(data) == (TEXT, used)


def test_forced_encoding_that_does_not_fit_is_a_located_error(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes(TEXT.encode("gbk"))
    with pytest.raises(SourceUnreadable) as e:
        read_source(p, encoding="utf-8", lang="en")
    assert str(e.value) == "Cannot read the import file gbk.csv: it is not utf-8 text; give the right one with --encoding"
    assert e.value.exit_code == 3
    assert read_source(p, encoding="gb18030").sheets[0].rows[1] == ["一期", "甲公司", "12,000"]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delim):
    text = delim.join(["Deal Name", "Amount", "Stage"]) + "\n" + delim.join(["A, Inc. deal", "1.200,50", "Won"]) + "\n"
    if delim == ",":
        text = text.replace("A, Inc. deal", '"A, Inc. deal"').replace("1.200,50", '"1.200,50"')
    assert sniff_delimiter(text) == delim
    p = tmp_path / "x.csv"
    p.write_text(text, encoding="utf-8")
    src = read_source(p)
    assert src.delimiter == delim and src.sheets[0].rows[1] == ["A, Inc. deal", "1.200,50", "Won"]


def _book(path):
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Notes").write(0, 0, "exported 2026-03-01")
    ws = wb.add_worksheet("Deals")
    ws.write_row(0, 0, ["Deal Name", "Amount"])
    ws.write_row(1, 0, ["Alpha", 1200])
    wb.close()
    return path


def test_workbook_sheets_and_the_sheet_option(tmp_path):
    src = read_source(_book(tmp_path / "x.xlsx"))
    assert [s.name for s in src.sheets] == ["Notes", "Deals"]
    src = read_source(tmp_path / "x.xlsx", sheet="Deals")
    assert [s.name for s in src.sheets] == ["Deals"] and src.sheets[0].rows[1] == ["Alpha", 1200.0]
    with pytest.raises(SourceUnreadable, match="it has no sheet “Nope” \\(it has: Notes, Deals\\)"):
        read_source(tmp_path / "x.xlsx", sheet="Nope", lang="en")


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_written_by_libreoffice(tmp_path, fmt):
    out = convert(_book(tmp_path / "x.xlsx"), fmt, tmp_path / "lo")
    src = read_source(out, sheet="Deals")
    assert src.kind == fmt and src.sheets[0].rows[:2] == [["Deal Name", "Amount"], ["Alpha", 1200.0]]


def test_unreadable_sources(tmp_path):
    enc = tmp_path / "locked.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    with pytest.raises(SourceUnreadable, match="^无法读取导入文件 locked.xlsx：文件已加密或已损坏"):
        read_source(enc)
    with pytest.raises(SourceUnreadable, match="the file does not exist"):
        read_source(tmp_path / "nope.csv", lang="en")
    with pytest.raises(SourceUnreadable, match=r"\.xlsb is not supported"):
        (tmp_path / "b.xlsb").write_bytes(b"PK")
        read_source(tmp_path / "b.xlsb", lang="en")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SourceUnreadable):
        read_source(binary)
