"""The hostile corpus: broken, foreign and malicious files, generated from a real workbook.

Each maker takes the bytes-level route an attacker (or a damaged disk, or a careless rename)
takes: members rewritten, added, duplicated or flagged in the zip; nothing here goes through
xltrack's own writer. Used by ``tests/test_hostile.py``.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def members(src: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(src) as z:
        return [(i, z.read(i.filename)) for i in z.infolist()]


def write(dst: Path, items: list[tuple[str, bytes]], *, level: int = 6) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in items:
            z.writestr(name, data)
    return dst


def rewrite(src: Path, dst: Path, change: dict[str, bytes | None], *, add: dict[str, bytes] | None = None,
            level: int = 6) -> Path:
    """``src`` with members replaced (``None``: removed) and added."""
    items = [(i.filename, change.get(i.filename, d)) for i, d in members(src)]
    items = [(n, d) for n, d in items if d is not None]
    items += list((add or {}).items())
    return write(dst, items, level=level)


def sheet_part(src: Path, name: str) -> str:
    """The worksheet part of sheet ``name``."""
    from lxml import etree
    with zipfile.ZipFile(src) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    rid = next(s.get(f"{{http://schemas.openxmlformats.org/officeDocument/2006/relationships}}id")
               for s in wb.iter(f"{{{MAIN}}}sheet") if s.get("name") == name)
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


# -- containers -------------------------------------------------------------------------------

def not_a_zip(dst: Path) -> Path:
    dst.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return dst


def empty(dst: Path) -> Path:
    dst.write_bytes(b"")
    return dst


def truncated(src: Path, dst: Path, fraction: float) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[:max(1, int(len(data) * fraction))])
    return dst


def duplicate_member(src: Path, dst: Path, part: str) -> Path:
    items = [(i.filename, d) for i, d in members(src)]
    extra = next(d for n, d in items if n == part)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # zipfile warns about the duplicate: that is the point
        return write(dst, items + [(part, extra.replace(b"<sheetData>", b"<sheetData>", 1))])


def zipcrypto_flag(src: Path, dst: Path, part: str) -> Path:
    """``part`` marked encrypted (general-purpose flag bit 0) in both its headers."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(part)
    data[info.header_offset + 6] |= 1
    pos = 0
    while True:   # find this member's central record
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + n] == part.encode():
            data[pos + 8] |= 1
            break
        pos += 4
    dst.write_bytes(bytes(data))
    return dst


def without(src: Path, dst: Path, part: str) -> Path:
    return rewrite(src, dst, {part: None})


def xlsm_named_xlsx(src: Path, dst: Path) -> Path:
    ct = dict(members_by_name(src))["[Content_Types].xml"]
    ct = ct.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    return rewrite(src, dst, {"[Content_Types].xml": ct})


def members_by_name(src: Path) -> list[tuple[str, bytes]]:
    return [(i.filename, d) for i, d in members(src)]


# -- bombs --------------------------------------------------------------------------------------

def whitespace_bomb(src: Path, dst: Path, part: str, size: int) -> Path:
    """``part`` padded with ``size`` bytes of spaces between elements (valid XML, ~1000 : 1)."""
    data = dict(members_by_name(src))[part]
    at = data.index(b"<sheetData>") if b"<sheetData>" in data else data.index(b">", data.index(b"<sst")) + 1
    return rewrite(src, dst, {part: data[:at] + b" " * size + data[at:]}, level=9)


def lying_size_bomb(src: Path, dst: Path, part: str, size: int) -> Path:
    """Like :func:`whitespace_bomb`, but the zip directory declares the part's old size."""
    original = dict(members_by_name(src))[part]
    whitespace_bomb(src, dst, part, size)
    data = bytearray(dst.read_bytes())
    name = part.encode()
    pos = 0
    while True:
        pos = data.find(name, pos)
        if pos < 0:
            break
        if data[pos - 30:pos - 26] == b"PK\x03\x04":
            struct.pack_into("<I", data, pos - 30 + 22, len(original))
        elif data[pos - 46:pos - 42] == b"PK\x01\x02":
            struct.pack_into("<I", data, pos - 46 + 24, len(original))
        pos += 1
    dst.write_bytes(bytes(data))
    return dst


def billion_laughs(src: Path, dst: Path, part: str = "xl/workbook.xml") -> Path:
    data = dict(members_by_name(src))[part]
    decl_end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
    ents = b"".join(b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i, *(i - 1,) * 10))
                    for i in range(1, 10))
    root = data[decl_end:].lstrip()
    tag = root[1:root.index(b" ")]
    dtd = b'<!DOCTYPE ' + tag + b' [<!ENTITY l0 "lol">' + ents + b"]>"
    # the entity is used where a reader would expand it: a sheet name / a string
    body = data[:decl_end] + dtd + data[decl_end:]
    body = body.replace(b'name="', b'name="&l9;', 1) if part == "xl/workbook.xml" else \
        body.replace(b"<t>", b"<t>&l9;", 1).replace(b'<t xml:space="preserve">', b'<t xml:space="preserve">&l9;', 1)
    return rewrite(src, dst, {part: body})


def external_entity(src: Path, dst: Path, part: str, secret: Path) -> Path:
    data = dict(members_by_name(src))[part]
    decl_end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
    root = data[decl_end:].lstrip()
    tag = root[1:min(root.index(b" "), root.index(b">"))]
    dtd = b'<!DOCTYPE ' + tag + b' [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>'
    body = data[:decl_end] + dtd + data[decl_end:]
    if part == "xl/workbook.xml":
        body = body.replace(b'name="', b'name="&xxe;', 1)
    else:
        body = body.replace(b"<t>", b"<t>&xxe;", 1).replace(b'<t xml:space="preserve">', b'<t xml:space="preserve">&xxe;', 1)
    return rewrite(src, dst, {part: body})


def deep_nesting(src: Path, dst: Path, part: str, depth: int) -> Path:
    data = dict(members_by_name(src))[part]
    at = data.index(b"</sheetData>") + len(b"</sheetData>")
    nest = b"<extLst>" * 1 + b"<ext uri='x'>" + b"<a>" * depth + b"</a>" * depth + b"</ext></extLst>"
    return rewrite(src, dst, {part: data[:at] + nest + data[at:]})


# -- foreign formats -----------------------------------------------------------------------------

def ods_like(dst: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    dst.write_bytes(buf.getvalue())
    return dst


def xlsb_like(dst: Path) -> Path:
    return write(dst, [("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01\x00")])


def ole(dst: Path, stream: str) -> Path:
    """An OLE compound-file header with ``stream``'s name in UTF-16 (what sniffing looks at)."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 1024
    dst.write_bytes(head)
    return dst


def csv_renamed(dst: Path) -> Path:
    dst.write_bytes("ID,Customer,Stage\nP-1,ACME,Lead\n".encode())
    return dst


def strict_ooxml(src: Path, dst: Path) -> Path:
    data = dict(members_by_name(src))["xl/workbook.xml"]
    return rewrite(src, dst, {"xl/workbook.xml": data.replace(
        MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")})


def crc32(data: bytes) -> int:
    return zlib.crc32(data)


def add_far_cell(src: Path, dst: Path, sheet: str, col: str, row: int, text: str = "far") -> Path:
    """A row ``row`` (after the sheet's last) holding one text cell in column ``col``."""
    part = sheet_part(src, sheet)
    data = dict(members_by_name(src))[part]
    cell = f'<row r="{row}"><c r="{col}{row}" t="inlineStr"><is><t>{text}</t></is></c></row>'.encode()
    at = data.index(b"</sheetData>")
    data = data[:at] + cell + data[at:]
    return rewrite(src, dst, {part: data})


def every_row(src: Path, dst: Path, sheet: str, col: str, last: int, start: int) -> Path:
    """Rows ``start``…``last`` each holding one number in column ``col`` (a tall sparse sheet)."""
    part = sheet_part(src, sheet)
    data = dict(members_by_name(src))[part]
    rows = b"".join(b'<row r="%d"><c r="%s%d"><v>%d</v></c></row>' % (r, col.encode(), r, r % 7)
                    for r in range(start, last + 1))
    at = data.index(b"</sheetData>")
    return rewrite(src, dst, {part: data[:at] + rows + data[at:]}, level=6)


def set_text_cells(src: Path, dst: Path, sheet: str, cells: dict[str, bytes]) -> Path:
    """Cells of ``sheet`` replaced by inline strings whose ``<t>`` content is given raw (so XML
    escapes such as ``_x0001_`` and character references reach the reader as a producer wrote them)."""
    import re
    part = sheet_part(src, sheet)
    data = dict(members_by_name(src))[part]
    for ref, raw in cells.items():
        new = b'<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref.encode(), raw)
        data, n = re.subn(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', lambda _m: new, data, count=1, flags=re.S)
        if not n:
            raise ValueError(f"no cell {ref} on {sheet}")
    return rewrite(src, dst, {part: data})


def set_number_cells(src: Path, dst: Path, sheet: str, cells: dict[str, float]) -> Path:
    """Cells of ``sheet`` replaced by plain number cells (keeping their style)."""
    import re
    part = sheet_part(src, sheet)
    data = dict(members_by_name(src))[part]
    for ref, value in cells.items():
        def repl(m):
            style = re.search(rb'\ss="\d+"', m.group(0))
            return b'<c r="%s"%s><v>%s</v></c>' % (ref.encode(), style.group(0) if style else b"", repr(value).encode())
        data, n = re.subn(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', repl, data, count=1, flags=re.S)
        if not n:
            raise ValueError(f"no cell {ref} on {sheet}")
    return rewrite(src, dst, {part: data})


def drop_rows(src: Path, dst: Path, sheet: str, rows: range) -> Path:
    """Rows of ``sheet`` removed (their cells gone, as if cleared in Excel)."""
    import re
    part = sheet_part(src, sheet)
    data = dict(members_by_name(src))[part]
    for r in rows:
        data = re.sub(rb'<row r="%d"[^>]*?(?:/>|>.*?</row>)' % r, b"", data, count=1, flags=re.S)
    return rewrite(src, dst, {part: data})


def drop_sheet_entry(src: Path, dst: Path, sheet: str) -> Path:
    """The sheet's entry removed from the workbook part, as Excel's "Delete sheet" leaves it."""
    import re
    wb = dict(members_by_name(src))["xl/workbook.xml"]
    wb, n = re.subn(rb'<sheet name="' + sheet.encode() + rb'"[^>]*/>', b"", wb, count=1)
    if not n:
        raise ValueError(sheet)
    wb = re.sub(rb'<definedName\b[^>]*>[^<]*' + re.escape(sheet.encode()) + rb'[^<]*</definedName>', b"", wb)
    return rewrite(src, dst, {"xl/workbook.xml": wb})
