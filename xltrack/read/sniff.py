"""Look at a file's bytes before handing it to a reader, so a wrong file gets one clear sentence.

Sniffing by content, not by extension: people rename files. What we recognise and refuse:
a missing file, a directory, an empty file, a CSV/text file, an OLE compound file (an encrypted
.xlsx/.xlsm — its ``EncryptedPackage`` stream — or a legacy .xls), a zip that is an .xlsb, an
.ods or something else, a Strict OOXML workbook (its namespaces differ from transitional), a pipe
or device, and a package beyond the limits of :mod:`.guard` (zip bombs, duplicate members, DTDs…).
"""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from ..errors import WorkbookUnreadable
from .guard import check_package

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
EXPECTED = "an .xlsx or .xlsm workbook"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _refuse(path: Path, found: str, todo: str = "") -> WorkbookUnreadable:
    tail = f"; {todo}" if todo else ""
    return WorkbookUnreadable(f"{path.name} is {found}, expected {EXPECTED}{tail}.")


def _sniff_ole(path: Path, head: bytes) -> WorkbookUnreadable:
    if _utf16("EncryptedPackage") in head or _utf16("EncryptionInfo") in head:
        return _refuse(path, "password-protected (encrypted)",
                       "remove the password in Excel (File > Info > Protect Workbook) and save again")
    if _utf16("Workbook") in head or _utf16("Book") in head:
        return _refuse(path, "a legacy Excel 97-2003 workbook (.xls)", "save it as .xlsx in Excel")
    return _refuse(path, "an OLE compound document (e.g. an old Word or Excel file), not a workbook")


def _sniff_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                check_package(path, zf)
                head = zf.open("xl/workbook.xml").read(4096)
                if STRICT_NS in head:
                    raise _refuse(path, "a Strict Open XML workbook",
                                  "save it in Excel as \"Excel Workbook (*.xlsx)\"")
                return
            if "xl/workbook.bin" in names:
                raise _refuse(path, "an Excel binary workbook (.xlsb)", "save it as .xlsx in Excel")
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100].decode("ascii", "replace")
                if "opendocument.spreadsheet" in mime:
                    raise _refuse(path, "an OpenDocument spreadsheet (.ods)",
                                  "save it as .xlsx in LibreOffice")
                raise _refuse(path, f"an OpenDocument file ({mime.strip()}), not a spreadsheet")
            if "word/document.xml" in names:
                raise _refuse(path, "a Word document (.docx)")
            raise _refuse(path, "a zip archive without an Excel workbook inside")
    except zipfile.BadZipFile:
        raise _refuse(path, "a damaged zip file (truncated or corrupted)") from None


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("gb18030")
        except UnicodeDecodeError:
            return False
    return True


def sniff(path: str | Path) -> Path:
    """Return the path when it holds a readable .xlsx/.xlsm; else raise :class:`WorkbookUnreadable`."""
    p = Path(path)
    if not p.exists():
        raise WorkbookUnreadable(f"{p} does not exist, expected {EXPECTED}.")
    if p.is_dir():
        raise WorkbookUnreadable(f"{p} is a folder, expected {EXPECTED}.")
    if not stat.S_ISREG(p.stat().st_mode):     # opening a FIFO would wait for a writer forever
        raise WorkbookUnreadable(f"{p} is not a regular file (a pipe, socket or device), expected {EXPECTED}.")
    with open(p, "rb") as f:
        head = f.read(65536)
    if not head:
        raise _refuse(p, "an empty file")
    if head.startswith(ZIP_MAGIC):
        _sniff_zip(p)
        return p
    if head.startswith(OLE_MAGIC):
        raise _sniff_ole(p, head)
    if _looks_like_text(head[:4096].rsplit(b"\n", 1)[0] or head[:4096]):
        text = head[:4096].decode("utf-8", "replace").lstrip("\ufeff").lower()
        if text.startswith("<?xml") or text.startswith("<"):
            raise _refuse(p, "an XML or HTML file (perhaps a web page saved as .xls)",
                          "open it in Excel and save it as .xlsx")
        kind = "a CSV text file" if (p.suffix.lower() == ".csv" or "," in text or "\t" in text) \
            else "a text file"
        raise _refuse(p, kind, "open it in Excel and save it as .xlsx")
    raise _refuse(p, "not a spreadsheet (unrecognised content)")
