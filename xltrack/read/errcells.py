"""Find error cells (#N/A, #REF!…) in a worksheet part.

python-calamine (0.9) hands error cells back as empty strings, which would make ``=VLOOKUP(…)``
returning ``#N/A`` look like a blank cell. Error cells are rare and always carry ``t="e"`` in the
sheet XML, so one streaming byte search over the decompressed part tells whether a sheet has any
(≈70 ms for a 35 MB sheet part, 1 MB of memory at a time); only then is the part read whole and
the cells located with a regular expression.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree as etree   # two small parts: no need to import lxml (−20 ms)

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_ERR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VAL = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its worksheet part (from workbook.xml and its rels)."""
    wb = etree.fromstring(zf.read("xl/workbook.xml"))
    rels_xml = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels_xml.iter(f"{{{_NS_PKG_REL}}}Relationship"):
        t = rel.get("Target", "")
        t = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        targets[rel.get("Id")] = t
    out = {}
    for sh in wb.iter(f"{{{_NS_MAIN}}}sheet"):
        rid = sh.get(f"{{{_NS_REL}}}id")
        if rid in targets:
            out[sh.get("name")] = targets[rid]
    return out


def col_index(letters: bytes | str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def has_error_cells(zf: zipfile.ZipFile, part: str, chunk: int = 1 << 20) -> bool:
    """Whether the worksheet part holds any ``t="e"`` cell (streamed, chunk by chunk)."""
    needle = b't="e"'
    tail = b""
    with zf.open(part) as f:
        while block := f.read(chunk):
            window = tail + block
            if needle in window:
                return True
            tail = window[-(len(needle) - 1):]
    return False


def error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) 1-based -> error text, for every ``t="e"`` cell that names its address.

    Each ``t="e"`` is found with ``bytes.find`` and its cell parsed where it stands (the ``<``
    before it opens the cell: attribute values cannot hold a raw ``<``). A regular expression run
    over the whole part instead took 83 ms on a 5.6 MB Projects sheet with one error cell (0.4 s at
    50,000 projects, holding the GIL); this takes well under a millisecond there.
    """
    found = {}
    needle = b't="e"'
    i = xml.find(needle)
    while i >= 0:
        start = xml.rfind(b"<", 0, i)
        m = _ERR_CELL.match(xml, start) if start >= 0 else None
        if m and xml[i - 1:i].isspace() and not m.group(1).endswith(b"/"):
            ref = _REF.search(m.group(1))
            val = _VAL.search(m.group(2))
            if ref and val:
                found[(int(ref.group(2)), col_index(ref.group(1)))] = \
                    val.group(1).decode("utf-8", "replace")
        i = xml.find(needle, i + len(needle))
    return found
